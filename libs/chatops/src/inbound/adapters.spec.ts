import { UnreadableChatRequest } from './chat-event';
import { discordDeferred, discordEdit, readDiscord } from './discord.adapter';
import { readSlack, slackReply } from './slack.adapter';
import { readTelegram, telegramReply } from './telegram.adapter';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('chat platform formats', () => {
  it('reads a Slack slash command, an interactive click and an ssl_check', () => {
    const command = readSlack(Buffer.from('command=%2Ffarmhand&text=pause+Farm+A1&user_id=U1&user_name=sam'));
    expect(command).toEqual({ kind: 'command', user: { id: 'U1', name: 'sam' }, text: 'pause Farm A1', reply: {} });
    const payload = {
      type: 'block_actions',
      user: { id: 'U1', username: 'sam' },
      actions: [{ action_id: 'farmhand:alert.pause:x' }],
      response_url: 'https://hooks.slack.com/actions/T1/1/abc',
    };
    expect(readSlack(Buffer.from(`payload=${encodeURIComponent(JSON.stringify(payload))}`))).toMatchObject({
      kind: 'button',
      buttonId: 'farmhand:alert.pause:x',
      reply: { responseUrl: payload.response_url },
    });
    const elsewhere = { ...payload, response_url: 'https://attacker.example/actions/x' };
    expect(readSlack(Buffer.from(`payload=${encodeURIComponent(JSON.stringify(elsewhere))}`))).toMatchObject({
      reply: {},
    });
    expect(readSlack(Buffer.from('ssl_check=1&token=x'))).toEqual({ kind: 'ignored' });
    expect(() => readSlack(Buffer.from('payload=not-json'))).toThrow(UnreadableChatRequest);
  });

  it('answers Slack ephemerally with Block Kit buttons', () => {
    const body = slackReply({
      text: 'Cancel?',
      buttons: [{ id: 'farmhand:cancel.confirm:1', label: 'Cancel', danger: true }],
    });
    expect(body).toMatchObject({ response_type: 'ephemeral', text: 'Cancel?' });
    expect((body.blocks as any[])[1].elements[0]).toMatchObject({
      action_id: 'farmhand:cancel.confirm:1',
      style: 'danger',
    });
  });

  it('reads Discord PINGs, /farmhand subcommands with options, and button clicks', () => {
    expect(readDiscord(json({ type: 1 }))).toEqual({ kind: 'ping' });
    const command = readDiscord(
      json({
        type: 2,
        application_id: '1000',
        token: 'aW50ZXJhY3Rpb24.tok_en-1',
        member: { user: { id: '42', username: 'sam' } },
        data: {
          name: 'farmhand',
          options: [{ name: 'link', type: 1, options: [{ name: 'code', value: 'ABCD-EFGH' }] }],
        },
      }),
    );
    expect(command).toMatchObject({
      kind: 'command',
      user: { id: '42', name: 'sam' },
      text: 'link ABCD-EFGH',
      reply: { discord: { applicationId: '1000', token: 'aW50ZXJhY3Rpb24.tok_en-1' } },
    });
    const click = {
      type: 3,
      application_id: '1000',
      token: 't',
      user: { id: '42' },
      data: { custom_id: 'farmhand:x' },
    };
    expect(readDiscord(json(click))).toMatchObject({ kind: 'button', buttonId: 'farmhand:x' });
    // Without the interaction's token (or with one that would change the edit's path) there is nothing to answer.
    expect(() => readDiscord(json({ ...click, token: undefined }))).toThrow(/application_id and token/);
    expect(() => readDiscord(json({ ...click, token: '../../x' }))).toThrow(/application_id and token/);
    expect(() => readDiscord(json({ ...click, application_id: '1/2' }))).toThrow(/application_id and token/);
    expect(discordDeferred()).toEqual({ type: 5, data: { flags: 64 } });
    expect(discordEdit({ text: 'hi' })).toEqual({ content: 'hi', allowed_mentions: { parse: [] }, components: [] });
    expect(discordEdit({ text: 'sure?', buttons: [{ id: 'farmhand:x', label: 'Yes', danger: true }] })).toMatchObject({
      components: [{ type: 1, components: [{ type: 2, style: 4, label: 'Yes', custom_id: 'farmhand:x' }] }],
    });
  });

  it('reads Telegram commands addressed to the bot and callback queries, and ignores plain chat', () => {
    const update = {
      update_id: 9,
      message: { message_id: 3, text: '/pause@FarmBot Farm A1', from: { id: 7, username: 'sam' }, chat: { id: -1 } },
    };
    expect(readTelegram(json(update))).toMatchObject({
      kind: 'command',
      text: 'pause Farm A1',
      replayKey: 'telegram:9',
      reply: { chatId: -1, messageId: 3 },
    });
    expect(
      readTelegram(json({ update_id: 10, message: { text: 'hello all', from: { id: 7 }, chat: { id: 1 } } })),
    ).toEqual({
      kind: 'ignored',
    });
    const click = readTelegram(
      json({ update_id: 11, callback_query: { id: 'q', data: 'farmhand:y', from: { id: 7 } } }),
    );
    expect(click).toMatchObject({ kind: 'button', buttonId: 'farmhand:y', reply: { callbackQueryId: 'q' } });
    expect(telegramReply({ text: 'ok' }, { callbackQueryId: 'q' })).toEqual({
      method: 'answerCallbackQuery',
      callback_query_id: 'q',
      text: 'ok',
      show_alert: true,
    });
    expect(() => readTelegram(json({ message: {} }))).toThrow(UnreadableChatRequest);
  });
});
