import { expect, it } from "vitest";
import { describeUploadAnswer } from "./describeRefusal";

it("explains each refusal in words", () => {
  expect(describeUploadAnswer(201, null, null).kind).toBe("added");
  expect(describeUploadAnswer(200, null, null)).toEqual({
    kind: "duplicate",
    message: expect.stringContaining("Already in the library"),
  });
  expect(describeUploadAnswer(415, "unsupported_media", "not audio").message).toMatch(/^Not audio/);
  expect(describeUploadAnswer(413, "too_large", null).message).toMatch(/^Too large/);
  expect(describeUploadAnswer(507, "insufficient_storage", null).message).toMatch(/^Server full/);
  expect(describeUploadAnswer(403, "permission_denied", null).message).toMatch(/^Not allowed/);
  expect(describeUploadAnswer(0, null, null).kind).toBe("failed");
});
