import { describe, expect, it } from "vitest";
import { asError, firstLineOf, messageOf } from "../../src/util/errors.ts";

describe("messageOf", () => {
  it("reads an Error's message, and anything else thrown as text", () => {
    expect(messageOf(new Error("disk full"))).toBe("disk full");
    expect(messageOf("ETIMEDOUT")).toBe("ETIMEDOUT");
    expect(messageOf(undefined)).toBe("undefined");
    expect(firstLineOf(new Error("bad YAML\n  at line 3"))).toBe("bad YAML");
    const thrown = new Error("x");
    expect(asError(thrown)).toBe(thrown);
    expect(asError(42).message).toBe("42");
  });
});
