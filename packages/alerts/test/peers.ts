import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * Local servers that answer like the peers Pantau delivers to — Slack incoming webhooks, the Telegram
 * Bot API, an SMTP server — in their documented formats, including their error and rate-limit answers.
 * Tests script the next answers; anything unscripted succeeds.
 */
export interface HttpAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}
/** `hang` never answers (a timeout on the caller's side). */
export type Scripted = HttpAnswer | 'hang';

export interface Received {
  path: string;
  body: string;
  at: number;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Slack's documented incoming-webhook answers. */
export const slack = {
  ok: { status: 200, body: 'ok' },
  invalidPayload: { status: 400, body: 'invalid_payload' },
  forbidden: { status: 403, body: 'action_prohibited' },
  noService: { status: 404, body: 'no_service' },
  archived: { status: 410, body: 'channel_is_archived' },
  rateLimited: (seconds: number) => ({
    status: 429,
    body: 'rate_limited',
    headers: { 'retry-after': String(seconds) },
  }),
  serverError: { status: 500, body: 'rollup_error' },
} satisfies Record<string, HttpAnswer | ((s: number) => HttpAnswer)>;

export interface SlackPeer {
  url(path: string): string;
  /** The next answers for a path, in order. */
  script(path: string, ...answers: Scripted[]): void;
  received(path?: string): Received[];
  close(): Promise<void>;
}

/** A Slack incoming-webhook endpoint; `plain` skips Slack's body check (a generic webhook receiver). */
export async function startSlack({ plain = false } = {}): Promise<SlackPeer> {
  const scripts = new Map<string, Scripted[]>();
  const received: Received[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path, body, at: Date.now() });
      let answer: Scripted = scripts.get(path)?.shift() ?? slack.ok;
      if (answer === 'hang') return void hanging.add(res);
      // Slack answers 400 invalid_payload to a body that is not a message.
      if (!plain)
        try {
          const parsed = JSON.parse(body) as { text?: string; blocks?: unknown[] };
          if (!parsed.text && !parsed.blocks) answer = slack.invalidPayload;
        } catch {
          answer = slack.invalidPayload;
        }
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body);
    });
  });
  const port = await listen(server);
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    script: (path, ...answers) => scripts.set(path, [...(scripts.get(path) ?? []), ...answers]),
    received: (path) => (path ? received.filter((r) => r.path === path) : received),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Slack's Web API answers (chat.postMessage, chat.update): HTTP 200 with `{"ok":false,"error":"…"}` for
 * an API error, 429 with Retry-After when rate-limited.
 */
export const slackApi = {
  error: (error: string) => ({ status: 200, body: JSON.stringify({ ok: false, error }) }),
  rateLimited: (seconds: number) => ({
    status: 429,
    body: JSON.stringify({ ok: false, error: 'ratelimited' }),
    headers: { 'retry-after': String(seconds) },
  }),
  serverError: { status: 503, body: 'upstream connect error' },
};

export interface SlackApiCall {
  method: string;
  body: { channel: string; ts?: string; text: string; blocks?: unknown[]; [k: string]: unknown };
  at: number;
}

export interface SlackApiPeer {
  apiUrl: string;
  token: string;
  /** The next answers for a channel, in order (any method). */
  script(channel: string, ...answers: Scripted[]): void;
  calls(channel?: string): SlackApiCall[];
  /** The text each message in a channel shows now (after updates), by ts. */
  messages(channel: string): Map<string, string>;
  close(): Promise<void>;
}

/** A Slack Web API (chat.postMessage / chat.update) that checks the bot token. */
export async function startSlackApi(token = 'xoxb-1234-5678-rahasiaSLACK'): Promise<SlackApiPeer> {
  const scripts = new Map<string, Scripted[]>();
  const calls: SlackApiCall[] = [];
  const channels = new Map<string, Map<string, string>>();
  const hanging = new Set<import('node:http').ServerResponse>();
  let seq = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (a: HttpAnswer) =>
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body);
      if (req.headers.authorization !== `Bearer ${token}`) return send(slackApi.error('invalid_auth'));
      const method = (req.url ?? '').replace(/^\/+/, '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackApiCall['body'];
      calls.push({ method, body, at: Date.now() });
      const scripted = scripts.get(body.channel)?.shift();
      if (scripted === 'hang') return void hanging.add(res);
      if (scripted) return send(scripted);
      if (!body.text && !body.blocks?.length) return send(slackApi.error('no_text'));
      const shown = channels.get(body.channel) ?? new Map<string, string>();
      channels.set(body.channel, shown);
      const answer = (ts: string) => ({
        status: 200,
        body: JSON.stringify({ ok: true, channel: body.channel, ts, message: { text: body.text } }),
      });
      if (method === 'chat.postMessage') {
        const ts = `1796025600.${String((seq += 1)).padStart(6, '0')}`;
        shown.set(ts, JSON.stringify(body.blocks ?? body.text));
        return send(answer(ts));
      }
      if (method === 'chat.update') {
        if (!body.ts || !shown.has(body.ts)) return send(slackApi.error('message_not_found'));
        shown.set(body.ts, JSON.stringify(body.blocks ?? body.text));
        return send(answer(body.ts));
      }
      return send({ status: 404, body: JSON.stringify({ ok: false, error: 'unknown_method' }) });
    });
  });
  const port = await listen(server);
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    token,
    script: (channel, ...answers) => scripts.set(channel, [...(scripts.get(channel) ?? []), ...answers]),
    calls: (channel) => (channel ? calls.filter((c) => c.body.channel === channel) : calls),
    messages: (channel) => channels.get(channel) ?? new Map(),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The Bot API's documented answers. */
export const telegram = {
  badRequest: (description = 'Bad Request: chat not found') => ({
    status: 400,
    body: JSON.stringify({ ok: false, error_code: 400, description }),
  }),
  blocked: {
    status: 403,
    body: JSON.stringify({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    }),
  },
  tooManyRequests: (seconds: number) => ({
    status: 429,
    body: JSON.stringify({
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${seconds}`,
      parameters: { retry_after: seconds },
    }),
  }),
  serverError: {
    status: 502,
    body: JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' }),
  },
};

export interface TelegramCall {
  method: string;
  body: {
    chat_id: string;
    text: string;
    parse_mode?: string;
    message_id?: number;
    [k: string]: unknown;
  };
  at: number;
}

export interface TelegramPeer {
  apiUrl: string;
  token: string;
  /** The next answers for a chat, in order (any method). */
  script(chatId: string, ...answers: Scripted[]): void;
  calls(chatId?: string): TelegramCall[];
  /** The text each message in a chat shows now (after edits), by message_id. */
  messages(chatId: string): Map<number, string>;
  close(): Promise<void>;
}

export async function startTelegram(token = '123456:TEST-token_abc'): Promise<TelegramPeer> {
  const scripts = new Map<string, Scripted[]>();
  const calls: TelegramCall[] = [];
  const chats = new Map<string, Map<number, string>>();
  const hanging = new Set<import('node:http').ServerResponse>();
  let nextId = 100;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (a: HttpAnswer) =>
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!match || match[1] !== token)
        return send({
          status: 401,
          body: JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }),
        });
      const method = match[2]!;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TelegramCall['body'];
      const chatId = String(body.chat_id);
      calls.push({ method, body, at: Date.now() });
      const scripted = scripts.get(chatId)?.shift();
      if (scripted === 'hang') return void hanging.add(res);
      if (scripted) return send(scripted);
      if (!body.text) return send(telegram.badRequest('Bad Request: message text is empty'));
      const shown = chats.get(chatId) ?? new Map<number, string>();
      chats.set(chatId, shown);
      const message = (id: number) => ({
        status: 200,
        body: JSON.stringify({
          ok: true,
          result: {
            message_id: id,
            date: Math.floor(Date.now() / 1000),
            chat: { id: chatId },
            text: body.text,
          },
        }),
      });
      if (method === 'sendMessage') {
        const id = (nextId += 1);
        shown.set(id, body.text);
        return send(message(id));
      }
      if (method === 'editMessageText') {
        const id = Number(body.message_id);
        if (!shown.has(id)) return send(telegram.badRequest('Bad Request: message to edit not found'));
        if (shown.get(id) === body.text)
          return send(
            telegram.badRequest(
              'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
            ),
          );
        shown.set(id, body.text);
        return send(message(id));
      }
      return send({
        status: 404,
        body: JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }),
      });
    });
  });
  const port = await listen(server);
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    token,
    script: (chatId, ...answers) => scripts.set(chatId, [...(scripts.get(chatId) ?? []), ...answers]),
    calls: (chatId) => (chatId ? calls.filter((c) => String(c.body.chat_id) === chatId) : calls),
    messages: (chatId) => chats.get(chatId) ?? new Map(),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** What the SMTP server answers to the next message for a recipient: accept, an SMTP error, or nothing. */
export type SmtpScripted = 'ok' | 'hang' | { code: number; message: string };

export interface SmtpPeer {
  url: string;
  script(recipient: string, ...answers: SmtpScripted[]): void;
  /** Accepted messages, parsed. */
  mails(recipient?: string): (ParsedMail & { at: number })[];
  /** Every attempt that reached RCPT TO, accepted or not. */
  attempts(recipient?: string): number;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpPeer> {
  const scripts = new Map<string, SmtpScripted[]>();
  const attempts: string[] = [];
  const mails: (ParsedMail & { at: number })[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    // One account, as a real relay would have: pantau / sandi-rahasia.
    onAuth(auth, _session, callback) {
      if (auth.username === 'pantau' && auth.password === 'sandi-rahasia')
        return callback(null, { user: 'pantau' });
      return callback(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
    },
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Close promptly even while a scripted 'hang' holds a connection open.
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      attempts.push(to);
      const answer = scripts.get(to)?.shift() ?? 'ok';
      if (answer === 'hang') return; // never answers: the client times out
      if (answer === 'ok') return callback();
      const err = Object.assign(new Error(answer.message), { responseCode: answer.code });
      return callback(err);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(Object.assign(mail, { at: Date.now() }));
          callback();
        })
        .catch(callback);
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  const toOf = (m: ParsedMail) =>
    (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) =>
      a.value.map((v) => v.address?.toLowerCase()),
    );
  return {
    url: `smtp://127.0.0.1:${port}`,
    script: (recipient, ...answers) =>
      scripts.set(recipient.toLowerCase(), [...(scripts.get(recipient.toLowerCase()) ?? []), ...answers]),
    mails: (recipient) =>
      recipient ? mails.filter((m) => toOf(m).includes(recipient.toLowerCase())) : mails,
    attempts: (recipient) =>
      recipient ? attempts.filter((a) => a === recipient.toLowerCase()).length : attempts.length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
