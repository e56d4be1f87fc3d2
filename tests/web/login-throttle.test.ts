import { describe, expect, it } from "vitest";
import { FORGET_MS, LoginThrottle, MAX_CLIENTS, MAX_WAIT_MS, throttleKey } from "../../src/web/login-throttle.ts";

describe("the console's login throttle", () => {
  it("remembers a bounded number of addresses, forgetting the least recently failing first", () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 5; i++) throttle.failed("203.0.113.66", 0);
    expect(throttle.waitMs("203.0.113.66", 1)).toBeGreaterThan(0);
    for (let i = 0; i < MAX_CLIENTS; i++) throttle.failed(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1);
    expect(throttle.size).toBe(MAX_CLIENTS);
    expect(throttle.waitMs("203.0.113.66", 2)).toBe(0);
  });

  it("caps the wait at an hour, and forgets an address a day after its last failure", () => {
    const throttle = new LoginThrottle();
    let wait = 0;
    for (let i = 0; i < 30; i++) wait = throttle.failed("203.0.113.66", 0);
    expect(wait).toBe(MAX_WAIT_MS);
    expect(throttle.failed("203.0.113.66", FORGET_MS)).toBe(0);
  });

  it("keys IPv4 (also mapped into IPv6) by address and IPv6 by its /64", () => {
    expect(throttleKey("::ffff:203.0.113.66")).toBe("203.0.113.66");
    expect(throttleKey("2001:db8:0:1::1")).toBe("2001:db8:0:1::/64");
    expect(throttleKey("2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(throttleKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(throttleKey("::1")).toBe("0:0:0:0::/64");
  });
});
