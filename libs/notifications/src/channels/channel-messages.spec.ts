import { buildMessage, channelRequest, emailContent } from './channel-messages';
import { SignedLinks } from './signed-links';

const ORG = '11111111-1111-4111-8111-111111111111';
const ALERT = '22222222-2222-4222-8222-222222222222';
const FRAME = '33333333-3333-4333-8333-333333333333';
const PRINTER = '44444444-4444-4444-8444-444444444444';
const links = { publicUrl: 'https://farm.example', frameUrl: (id: string) => `https://farm.example/f/${id}?sig` };
const bases = { slackApiUrl: 'https://slack.test/api', telegramApiUrl: 'https://telegram.test' };
const alert = () =>
  buildMessage(
    ORG,
    'alert.raised',
    { alertId: ALERT, level: 'pause', score: 0.91, printerId: PRINTER, printerName: 'Prusa <b>&', frameId: FRAME },
    links,
  );

describe('channel messages', () => {
  it('Slack Block Kit: escaped mrkdwn, the frame as an image block, Pause and It’s fine buttons with the chat-ops ids', () => {
    const request = channelRequest(
      'slack',
      alert(),
      { slackMode: 'webhook' },
      { webhookUrl: 'https://hooks.slack.test/x' },
      bases,
      'now',
    );
    expect(request.url).toBe('https://hooks.slack.test/x');
    const body = JSON.parse(request.body);
    expect(body.text).toContain('Possible print failure on Prusa <b>&');
    expect(body.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: expect.stringContaining('Prusa &lt;b&gt;&amp;') },
    });
    expect(body.blocks[2]).toEqual({
      type: 'image',
      image_url: `https://farm.example/f/${FRAME}?sig`,
      alt_text: expect.any(String),
    });
    expect(
      body.blocks[3].elements.map((button: { action_id: string; text: { text: string } }) => [
        button.action_id,
        button.text.text,
      ]),
    ).toEqual([
      [`farmhand:alert.pause:${ALERT}`, 'Pause'],
      [`farmhand:alert.dismiss:${ALERT}`, 'It’s fine (false alarm)'],
    ]);
  });

  it('Slack bot mode posts chat.postMessage with the bearer token and the channel id', () => {
    const request = channelRequest(
      'slack',
      alert(),
      { slackMode: 'bot', slackChannelId: 'C0123456' },
      { botToken: 'xoxb-1-2-abc' },
      bases,
      'now',
    );
    expect(request.url).toBe('https://slack.test/api/chat.postMessage');
    expect(request.headers.Authorization).toBe('Bearer xoxb-1-2-abc');
    expect(request.expectOkField).toBe(true);
    expect(JSON.parse(request.body).channel).toBe('C0123456');
  });

  it('Discord: one embed with the frame, buttons as an action row, no mentions parsed', () => {
    const request = channelRequest(
      'discord',
      alert(),
      {},
      { webhookUrl: 'https://discord.test/api/webhooks/1/t' },
      bases,
      '2026-01-01T00:00:00.000Z',
    );
    expect(new URL(request.url).searchParams.get('wait')).toBe('true');
    const body = JSON.parse(request.body);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0]).toMatchObject({
      image: { url: `https://farm.example/f/${FRAME}?sig` },
      timestamp: '2026-01-01T00:00:00.000Z',
    });
    expect(body.embeds[0].description).toContain('Prusa \\<b\\>& is failing (score 91 %)');
    expect(body.components[0].components.map((button: { custom_id: string }) => button.custom_id)).toEqual([
      `farmhand:alert.pause:${ALERT}`,
      `farmhand:alert.dismiss:${ALERT}`,
    ]);
  });

  it('Telegram: sendPhoto with an HTML caption (escaped) and inline buttons whose callback_data are the chat-ops ids', () => {
    const request = channelRequest(
      'telegram',
      alert(),
      { telegramChatId: '-100123' },
      { botToken: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi' },
      bases,
      'now',
    );
    expect(request.url).toBe('https://telegram.test/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi/sendPhoto');
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      chat_id: '-100123',
      parse_mode: 'HTML',
      photo: `https://farm.example/f/${FRAME}?sig`,
    });
    expect(body.caption).toContain('<b>Possible print failure on Prusa &lt;b&gt;&amp;</b>');
    expect(
      body.reply_markup.inline_keyboard[0].map((button: { callback_data: string }) => button.callback_data),
    ).toEqual([`farmhand:alert.pause:${ALERT}`, `farmhand:alert.dismiss:${ALERT}`]);
    for (const button of body.reply_markup.inline_keyboard[0])
      expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(64);
  });

  it('Telegram without a frame: sendMessage, no link preview, no buttons for a non-alert', () => {
    const message = buildMessage(ORG, 'printer.offline', { printerId: PRINTER, printerName: 'B1' }, links);
    const request = channelRequest(
      'telegram',
      message,
      { telegramChatId: '42' },
      { botToken: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi' },
      bases,
      'now',
    );
    expect(request.url.endsWith('/sendMessage')).toBe(true);
    const body = JSON.parse(request.body);
    expect(body.reply_markup).toBeUndefined();
    expect(body.link_preview_options).toEqual({ is_disabled: true });
  });

  it('ntfy: message body and the Title / Priority / Tags / Click / Attach headers, non-ASCII titles RFC 2047 encoded', () => {
    const request = channelRequest(
      'ntfy',
      alert(),
      { ntfyServerUrl: 'https://ntfy.test', ntfyTopic: 'farm' },
      { ntfyToken: 'tk_abc' },
      bases,
      'now',
    );
    expect(request.url).toBe('https://ntfy.test/farm');
    expect(request.headers).toMatchObject({
      Title: 'Possible print failure on Prusa <b>&',
      Priority: '5',
      Tags: 'warning,printer',
      Click: `https://farm.example/orgs/${ORG}/alerts`,
      Attach: `https://farm.example/f/${FRAME}?sig`,
      Authorization: 'Bearer tk_abc',
    });
    const offline = buildMessage(ORG, 'printer.offline', { printerName: 'Drucker Ü' }, links);
    const encoded = channelRequest(
      'ntfy',
      offline,
      { ntfyServerUrl: 'https://ntfy.test', ntfyTopic: 'farm' },
      {},
      bases,
      'now',
    );
    expect(encoded.headers.Title).toBe(`=?UTF-8?B?${Buffer.from('Drucker Ü went offline').toString('base64')}?=`);
    expect(encoded.headers.Authorization).toBeUndefined();
  });

  it('mail: text and HTML, the HTML escaped, the unsubscribe link in both', () => {
    const mail = emailContent(alert(), 'https://farm.example/api/notifications/unsubscribe/t0ken');
    expect(mail.subject).toBe('[Farmhand] Possible print failure on Prusa <b>&');
    expect(mail.text).toContain('Stop these mails: https://farm.example/api/notifications/unsubscribe/t0ken');
    expect(mail.html).toContain('<h2>Possible print failure on Prusa &lt;b&gt;&amp;</h2>');
    expect(mail.html).toContain('href="https://farm.example/api/notifications/unsubscribe/t0ken"');
  });
});

describe('signed links', () => {
  const signer = new SignedLinks('k'.repeat(64), 'https://farm.example');

  it('a frame link verifies for its frame until it expires, and for nothing else', () => {
    const now = Date.UTC(2026, 0, 1);
    const url = new URL(signer.frameUrl(ORG, FRAME, now));
    const expires = url.searchParams.get('expires')!;
    const signature = url.searchParams.get('signature')!;
    expect(signer.frameAllowed(ORG, FRAME, expires, signature, now)).toBe(true);
    expect(signer.frameAllowed(ORG, ALERT, expires, signature, now)).toBe(false);
    expect(signer.frameAllowed(ORG, FRAME, String(Number(expires) + 3600), signature, now)).toBe(false);
    expect(signer.frameAllowed(ORG, FRAME, expires, signature, now + 3601_000)).toBe(false);
    expect(
      new SignedLinks('x'.repeat(64), 'https://farm.example').frameAllowed(ORG, FRAME, expires, signature, now),
    ).toBe(false);
  });

  it('an unsubscribe token names its channel and address; an edited one reads as nothing', () => {
    const token = signer.unsubscribeToken(ORG, 'a@example.com');
    expect(signer.readUnsubscribeToken(token)).toEqual({ channelId: ORG, address: 'a@example.com' });
    const [, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ c: ORG, a: 'b@example.com' })).toString('base64url')}.${signature}`;
    expect(signer.readUnsubscribeToken(forged)).toBeNull();
  });

  it('maintenance.due: due soon or overdue, with the used share in its unit, the task name escaped in HTML mail', () => {
    const data = {
      taskName: 'Nozzle <img src=x>',
      printerId: PRINTER,
      printerName: 'MK4 A1',
      level: 'due',
      intervalKind: 'print_hours',
      used: 9.5,
      limit: 10,
    };
    const due = buildMessage(ORG, 'maintenance.due', data, links);
    expect(due).toMatchObject({
      title: 'Nozzle <img src=x> is due soon on MK4 A1',
      lines: ['Nozzle <img src=x> on MK4 A1 is at 90 % of its interval (9.5 of 10 print hours).'],
      link: `https://farm.example/orgs/${ORG}/maintenance`,
    });
    const overdue = buildMessage(ORG, 'maintenance.due', { ...data, level: 'overdue', used: 10.5 }, links);
    expect(overdue.title).toBe('Nozzle <img src=x> is overdue on MK4 A1');
    expect(overdue.priority).toBeGreaterThan(due.priority);
    const mail = emailContent(overdue, 'https://farm.example/api/notifications/unsubscribe/t0ken');
    expect(mail.html).not.toContain('<img src=x>');
    expect(mail.html).toContain('&lt;img src=x&gt;');
  });
});
