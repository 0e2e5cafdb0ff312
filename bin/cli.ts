/**
 * The `server` command line: start the server, manage accounts, check the configuration and
 * certificates. Every command takes --config FILE and exits non-zero with a one-line reason.
 */
import "reflect-metadata";
import { Command, CommanderError } from "commander";
import { loadConfigFile, RawConfig } from "../lib/config/load";
import { ConfigError } from "../lib/config/options";
import { AccountError } from "../lib/accounts";
import { JidError, parseJid } from "../lib/jid";
import { Logger } from "../lib/log";
import { Server } from "../lib/server";
import { renderConfigDocs } from "../lib/config/docs";
import { renderModuleDocs } from "../lib/module-host/docs";
import { CORE_OPTIONS } from "../lib/config/core-options";
import { generateSelfSigned } from "../lib/tls/certs";
import { MODULES, DEFAULT_MODULES } from "../modules";
import path from "node:path";

function makeServer(config: RawConfig, log?: Logger): Server {
  return new Server(config, { registry: MODULES, defaultModules: DEFAULT_MODULES, log });
}

async function readPassword(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const line = text.split(/\r?\n/)[0];
  if (!line) throw new AccountError("no password given (pass --password or write it on standard input)");
  return line;
}

/** Opens storage only (no listeners, no modules) for account commands. */
async function withAccounts<T>(configFile: string | undefined, fn: (server: Server) => Promise<T>): Promise<T> {
  const server = makeServer(loadConfigFile(configFile), new Logger("warn"));
  await server.storage.open();
  try {
    return await fn(server);
  } finally {
    await server.storage.close();
  }
}

function accountJid(server: Server, jidText: string): { host: string; user: string } {
  const jid = parseJid(jidText);
  if (!jid.local || jid.resource) throw new AccountError(`${jidText}: expected an account address like user@host`);
  if (!server.hosts.has(jid.domain)) throw new AccountError(`${jid.domain} is not a host of this server (hosts: ${[...server.hosts.keys()].join(", ")})`);
  return { host: jid.domain, user: jid.local };
}

async function start(configFile: string | undefined): Promise<void> {
  const server = makeServer(loadConfigFile(configFile));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info(`received ${signal}, shutting down`);
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.log.error("shutdown failed", { err: err as Error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("uncaughtException", (err) => {
    // State is unknown after an uncaught exception: log and exit; durability comes from storage.
    server.log.error("uncaught exception; exiting", { err });
    process.exit(70);
  });
  process.on("unhandledRejection", (err) => {
    server.log.error("unhandled rejection", { err: err as Error });
  });
  await server.start();
  server.log.info("server started", { hosts: [...server.hosts.keys()].join(","), config: configFile ?? "(defaults)" });
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name("server").description("xmppd: an XMPP server").exitOverride().showHelpAfterError(false);
  const withConfig = (cmd: Command) => cmd.option("-c, --config <file>", "configuration file (YAML); without it: localhost with defaults");

  withConfig(program.command("start").description("run the server in the foreground (SIGTERM or SIGINT stops it)")).action(async (o) => start(o.config));

  withConfig(program.command("adduser <jid>").description("create an account").option("-p, --password <password>", "password (read from standard input when absent)")).action(
    async (jid: string, o) => {
      await withAccounts(o.config, async (server) => {
        const { host, user } = accountJid(server, jid);
        await server.accounts.create(host, user, o.password ?? (await readPassword("Password: ")));
        console.log(`created ${user}@${host}`);
      });
    },
  );
  withConfig(program.command("passwd <jid>").description("change an account's password").option("-p, --password <password>", "new password (read from standard input when absent)")).action(
    async (jid: string, o) => {
      await withAccounts(o.config, async (server) => {
        const { host, user } = accountJid(server, jid);
        await server.accounts.setPassword(host, user, o.password ?? (await readPassword("New password: ")));
        console.log(`changed the password of ${user}@${host}`);
      });
    },
  );
  withConfig(program.command("deluser <jid>").description("delete an account and all its data")).action(async (jid: string, o) => {
    await withAccounts(o.config, async (server) => {
      const { host, user } = accountJid(server, jid);
      await server.accounts.delete(host, user);
      console.log(`deleted ${user}@${host}`);
    });
  });

  const check = program.command("check").description("check the configuration or the certificates");
  withConfig(check.command("config").description("validate the configuration file and the module options")).action(async (o) => {
    const server = makeServer(loadConfigFile(o.config), new Logger("error"));
    for (const host of server.hosts.values()) server.moduleList(host);
    console.log(`config OK: hosts ${[...server.hosts.keys()].join(", ")}`);
  });
  withConfig(check.command("certs").description("show which certificate serves each host")).action(async (o) => {
    const server = makeServer(loadConfigFile(o.config), new Logger("error"));
    await server.certs.load();
    let missing = 0;
    for (const host of server.hosts.keys()) {
      const entry = server.certs.find(host);
      if (!entry) {
        missing++;
        console.log(`${host}: no certificate (one will be generated at start)`);
      } else {
        const expired = entry.notAfter.getTime() < Date.now();
        console.log(`${host}: ${entry.certPath}${entry.selfSigned ? " (self-signed)" : ""}, valid until ${entry.notAfter.toISOString()}${expired ? " EXPIRED" : ""}`);
        if (expired) missing++;
      }
    }
    if (missing) process.exitCode = 1;
  });
  const cert = program.command("cert").description("certificates");
  withConfig(cert.command("generate <host>").description("generate a self-signed certificate for a host into the certificates directory")).action(
    async (host: string, o) => {
      const server = makeServer(loadConfigFile(o.config), new Logger("error"));
      const entry = await generateSelfSigned(host.toLowerCase(), path.resolve(server.options.certificates));
      console.log(`generated ${entry.certPath} and ${entry.keyPath}`);
    },
  );

  const docs = program.command("docs").description("print generated documentation");
  docs.command("config").description("the configuration reference (docs/configuration.md)").action(() => {
    process.stdout.write(renderConfigDocs(CORE_OPTIONS, [...MODULES.values()]));
  });
  docs.command("modules").description("the module list (docs/modules.md)").action(() => {
    process.stdout.write(renderModuleDocs([...MODULES.values()], DEFAULT_MODULES));
  });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return;
      process.exitCode = err.exitCode || 1;
      return;
    }
    if (err instanceof ConfigError || err instanceof AccountError || err instanceof JidError) {
      console.error(`server: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
