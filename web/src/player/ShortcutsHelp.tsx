import { useEffect, useRef } from "react";
import { shortcuts } from "./shortcuts";

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table className="shortcuts">
        <tbody>
          {shortcuts.map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>/</kbd>
            </td>
            <td>Search</td>
          </tr>
          <tr>
            <td>
              <kbd>?</kbd>
            </td>
            <td>This help</td>
          </tr>
        </tbody>
      </table>
      <form method="dialog">
        <button className="primary">Close</button>
      </form>
    </dialog>
  );
}
