/** Every module the server can load, and the default set. */
import type { Schema } from "../lib/config/options";
import type { ModuleDefinition } from "../lib/module-host/define";
import bind from "./bind";
import carbons from "./carbons";
import blocking from "./blocking";
import dialback from "./dialback";
import disco from "./disco";
import iq from "./iq";
import last from "./last";
import message from "./message";
import offline from "./offline";
import ping from "./ping";
import presence from "./presence";
import privateStorage from "./private";
import register from "./register";
import roster from "./roster";
import s2s from "./s2s";
import saslauth from "./saslauth";
import time from "./time";
import tls from "./tls";
import vcard from "./vcard";
import version from "./version";

const ALL = [tls, saslauth, bind, disco, ping, version, time, roster, presence, message, offline, iq, vcard, privateStorage, blocking, last, register, carbons, s2s, dialback] as ModuleDefinition<Schema>[];

export const MODULES: ReadonlyMap<string, ModuleDefinition<Schema>> = new Map(ALL.map((m) => [m.name, m]));

export const DEFAULT_MODULES: readonly string[] = ["tls", "saslauth", "bind", "disco", "ping", "version", "time", "roster", "presence", "message", "offline", "iq", "vcard", "private", "blocking", "last", "register", "carbons", "s2s", "dialback"];
