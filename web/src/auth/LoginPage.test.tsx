import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, expect, it, vi } from "vitest";
import { fakeFetch } from "../test/fakeApi";
import { AuthProvider, useAuth } from "./AuthContext";
import { LoginPage } from "./LoginPage";

afterEach(() => vi.unstubAllGlobals());

function Who() {
  const { user } = useAuth();
  return user ? <p>signed in as {user.username}</p> : <LoginPage />;
}

it("explains a wrong password and keeps the session of a right one", async () => {
  fakeFetch({
    "/api/v1/auth/login": (_, init) => {
      const body = JSON.parse(String(init?.body)) as { password: string };
      if (body.password !== "right-password") {
        return new Response(JSON.stringify({ error: { code: "unauthenticated", message: "wrong" } }), { status: 401 });
      }
      return { token: "tok", expires_at: "", user: { id: "u1", username: "ana", role: "listener", created_at: "" } };
    },
    "/api/v1/me": () => ({ id: "u1", username: "ana", role: "listener", created_at: "" }),
  });
  render(
    <AuthProvider>
      <Who />
    </AuthProvider>,
  );
  fireEvent.change(screen.getByLabelText("Username"), { target: { value: "ana" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "nope" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("Wrong username or password."));
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "right-password" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  await waitFor(() => expect(screen.getByText("signed in as ana")).toBeTruthy());
  expect(JSON.parse(window.localStorage.getItem("dispotify.session") ?? "null")?.token).toBe("tok");
});
