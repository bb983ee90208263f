import { detectLanguage } from '../src';

describe('detectLanguage', () => {
  it.each([
    ['Pemerintah memastikan harga beras tetap stabil menjelang Lebaran', 'id'],
    ['gw udh bilang bgt sih, gak percaya', 'id'],
    ['Selamat pagi', 'id'],
    ['BMKG: gempa M5,2 guncang Garut, tidak berpotensi tsunami', 'id'],
    ['The government said the rice price will remain stable this month', 'en'],
    ['Breaking: the central bank has decided to keep its policy rate unchanged', 'en'],
    ['Jujur ya, this is so annoying, gue udah nunggu the whole day tapi paketnya belum dateng', 'mixed'],
    [
      'Honestly I think the new policy is good, tapi sosialisasinya kurang banget dan banyak yang belum tahu',
      'mixed',
    ],
    ['Ang bagong presyo ng bigas ay tumaas ngayong linggo', 'other'],
    ['東京は今日雨です', 'other'],
    ['wkwk 😂😂', 'other'],
    ['', 'other'],
  ])('%s → %s', (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });
});
