import { checkWebhookTarget, isForbiddenAddress } from '../src';

describe('webhook target guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.5',
    '192.168.1.10',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('forbids %s', (address) => expect(isForbiddenAddress(address)).toBe(true));

  it.each(['8.8.8.8', '36.86.63.200', '2001:4860:4860::8888'])('allows public %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it('rejects private targets by literal address and by name, unless allowed', async () => {
    await expect(checkWebhookTarget('http://127.0.0.1:8080/hook')).rejects.toMatchObject({
      code: 'DELIVERY_TARGET_FORBIDDEN',
    });
    await expect(checkWebhookTarget('http://[::1]/hook')).rejects.toMatchObject({
      code: 'DELIVERY_TARGET_FORBIDDEN',
    });
    const resolve = async (host: string) =>
      host === 'internal.kemenkes.test' ? ['10.0.0.7'] : ['36.86.63.1'];
    await expect(
      checkWebhookTarget('https://internal.kemenkes.test/hook', { resolve }),
    ).rejects.toMatchObject({ code: 'DELIVERY_TARGET_FORBIDDEN' });
    await expect(checkWebhookTarget('https://hooks.kemenkes.test/hook', { resolve })).resolves.toBeInstanceOf(
      URL,
    );
    await expect(
      checkWebhookTarget('http://127.0.0.1:8080/hook', { allowPrivate: true }),
    ).resolves.toBeInstanceOf(URL);
  });

  it('rejects other schemes and embedded credentials', async () => {
    await expect(checkWebhookTarget('ftp://36.86.63.1/x')).rejects.toMatchObject({
      code: 'DELIVERY_TARGET_FORBIDDEN',
    });
    await expect(checkWebhookTarget('https://user:pass@36.86.63.1/x')).rejects.toMatchObject({
      code: 'DELIVERY_TARGET_FORBIDDEN',
    });
    await expect(checkWebhookTarget('bukan url')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
