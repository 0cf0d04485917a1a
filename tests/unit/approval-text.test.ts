import { describe, expect, it } from 'vitest';
import { approvalPageLocale, say } from '../../functions/domain/approval-text.js';
import { refusalFor } from '../../functions/domain/approval.js';

describe('approval page language', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en-GB,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['fr-FR,zh;q=0.5', 'zh-CN'],
    ['de-DE', 'en'],
    ['en;q=0.1,zh;q=0.9', 'zh-CN'],
    ['zh;q=0', 'en'],
    ['es-MX,es;q=0.9,en;q=0.8', 'es'],
    ['fr-FR,es;q=0.7,zh;q=0.5', 'es'],
    ['zh-cn', 'zh-CN'],
  ] as const)('Accept-Language %j -> %s', (header, locale) => {
    expect(approvalPageLocale(header)).toBe(locale);
  });

  it('a refusal reads right in both languages; the error message stays English for logs', () => {
    const error = refusalFor(
      {
        incidentId: 'i',
        requestId: 'r',
        noticeId: 'n',
        tier: 'primary',
        status: 'REJECTED',
        expiresAt: '2026-11-20T12:00:00Z',
        createdAt: '',
        decidedBy: 'a@example.com',
        decidedAt: '2026-11-20T09:00:00Z',
      },
      new Date('2026-11-20T10:00:00Z'),
    )!;
    expect(error.message).toBe('This notice was already rejected by a@example.com at 2026-11-20T09:00:00Z.');
    expect(say('zh-CN', error.text, error.params)).toBe('此通知已由 a@example.com 于 2026-11-20T09:00:00Z 拒绝。');
    expect(say('zh-CN', 'title-already-decided')).toBe('此通知已有决定');
    expect(say('es', error.text, error.params)).toBe('Este aviso ya lo rechazó a@example.com el 2026-11-20T09:00:00Z.');
  });

  it('Spanish counts agree with the number, including parameters that arrive as escaped strings', () => {
    expect(say('es', 'wrong-code', { left: '1' })).toBe('Ese no es el código de su correo. Le queda 1 intento antes de que este enlace se bloquee.');
    expect(say('es', 'wrong-code', { left: 4 })).toContain('Le quedan 4 intentos');
  });
});
