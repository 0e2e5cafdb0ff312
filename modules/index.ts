/** Every module the server can load, and the default set. */
import type { Schema } from "../lib/config/options";
import type { ModuleDefinition } from "../lib/module-host/define";
import bind from "./bind";
import carbons from "./carbons";
import csi from "./csi";
import blocking from "./blocking";
import dialback from "./dialback";
import disco from "./disco";
import httpUpload from "./http-upload";
import iq from "./iq";
import last from "./last";
import mam from "./mam";
import message from "./message";
import muc from "./muc";
import offline from "./offline";
import pep from "./pep";
import ping from "./ping";
import presence from "./presence";
import privateStorage from "./private";
import register from "./register";
import roster from "./roster";
import s2s from "./s2s";
import saslauth from "./saslauth";
import smacks from "./smacks";
import time from "./time";
import tls from "./tls";
import vcard from "./vcard";
import version from "./version";

const ALL = [tls, saslauth, bind, disco, ping, version, time, roster, presence, message, offline, iq, vcard, privateStorage, blocking, last, register, carbons, mam, pep, smacks, csi, s2s, dialback, muc, httpUpload] as ModuleDefinition<Schema>[];

export const MODULES: ReadonlyMap<string, ModuleDefinition<Schema>> = new Map(ALL.map((m) => [m.name, m]));

export const DEFAULT_MODULES: readonly string[] = ["tls", "saslauth", "bind", "disco", "ping", "version", "time", "roster", "presence", "message", "offline", "iq", "vcard", "private", "blocking", "last", "register", "carbons", "mam", "pep", "smacks", "csi", "s2s", "dialback"];
