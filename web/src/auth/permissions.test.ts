import { expect, it } from "vitest";
import { canUpload, isAdmin, kRoles } from "./permissions";

it("follows the server's table: uploaders and admins upload, only admins administer", () => {
  expect(kRoles.map((r) => r.role)).toEqual(["listener", "uploader", "admin"]);
  expect([canUpload("listener"), canUpload("uploader"), canUpload("admin")]).toEqual([false, true, true]);
  expect([isAdmin("listener"), isAdmin("uploader"), isAdmin("admin")]).toEqual([false, false, true]);
  expect(canUpload(undefined)).toBe(false);
});
