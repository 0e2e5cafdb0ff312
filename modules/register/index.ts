/**
 * In-band registration. New accounts only where allow_registration is on, over TLS and throttled
 * per address; a logged-in account can always change its password or remove itself.
 *
 * References:
 * - XEP-0077 §3.1 (registration: preauth.ts), §3.2–3.3 (removal, password change: account.ts)
 * - XEP-0077 §8 (stream feature, c2s only), §10 (disco feature), §11 (secured channel only)
 */
import { defineModule } from "../../lib/module-host/define";
import { opt } from "../../lib/config/options";
import { el } from "../../lib/stanza";
import { NS } from "../../lib/xml/ns";
import { installAccountManagement } from "./account";
import { installPreauthRegistration, registrationOpen } from "./preauth";
import { RegistrationThrottle } from "./throttle";

export default defineModule({
  name: "register",
  summary: "In-band registration (XEP-0077), password change and account removal",
  implements: [{ spec: "XEP-0077", version: "2.5", status: "partial", note: "username and password fields only; no data forms" }],
  scope: "host",
  streams: ["c2s"],
  options: {
    registration_throttle_max: opt.integer(5, "Most in-band registrations from one client address per registration_throttle_period (0: no limit).", { min: 0 }),
    registration_throttle_period: opt.duration("10m", "The window registration_throttle_max counts in."),
  },
  setup(mod) {
    const throttle = new RegistrationThrottle(mod.options.registration_throttle_max, mod.options.registration_throttle_period);
    mod.timers.every(Math.max(mod.options.registration_throttle_period, 60_000), () => throttle.prune());

    // Password change and removal work for every logged-in account, so the feature is always true.
    mod.disco.addFeature(NS.REGISTER);
    mod.streamFeatures.offer(["c2s"], (session) => (registrationOpen(mod, session) ? el("register", { xmlns: NS.REGISTER_FEATURE }) : undefined), 880);

    installPreauthRegistration(mod, throttle);
    installAccountManagement(mod);
  },
});
