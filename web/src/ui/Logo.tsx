export function Logo() {
  return (
    <div className="logo" aria-hidden="true">
      <svg viewBox="0 0 32 32" width="28" height="28">
        <circle cx="16" cy="16" r="15" fill="var(--accent)" />
        <path d="M12 9v11.5a3.5 3.5 0 1 0 2 3.2V13l8-2v7.5a3.5 3.5 0 1 0 2 3.2V7z" fill="#fff" />
      </svg>
      <span>Dispotify</span>
    </div>
  );
}
