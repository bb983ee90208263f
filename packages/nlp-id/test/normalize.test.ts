import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNormalizer, getDefaultGazetteer, normalize } from '../src';
import {
  MENTION_PATTERN_ASCII,
  WORD_PATTERN_ASCII,
  asciiWords,
  replaceMentionsAscii,
} from '../src/normalize';

describe('normalize', () => {
  it('pulls URLs, mentions, hashtags, emoji and numbers out as features', () => {
    const n = normalize(
      'Cek https://bit.ly/abc123 dan www.turnbackhoax.id/2024/salah ya @Kemenkes_RI 😱🇮🇩 harga naik 10.000 #TolakHoaks',
    );
    expect(n.urls).toEqual(['https://bit.ly/abc123', 'www.turnbackhoax.id/2024/salah']);
    expect(n.domains).toEqual(['bit.ly', 'turnbackhoax.id']);
    expect(n.mentions).toEqual(['kemenkes_ri']);
    expect(n.hashtags).toEqual(['tolakhoaks']);
    expect(n.emojis).toEqual(['😱', '🇮🇩']);
    expect(n.numbers).toEqual(['10.000']);
    expect(n.text).toBe('periksa dan ya harga naik 10.000 tolak hoaks');
  });

  it('splits camel-case and lower-case hashtags into words', () => {
    expect(normalize('#TolakHoaks').text).toBe('tolak hoaks');
    expect(normalize('#kawalpemilu').text).toBe('kawal pemilu');
    expect(normalize('#indonesiaterserah').text).toBe('indonesia terserah');
    expect(normalize('#SaveKPK').text).toBe('save kpk');
    expect(normalize('#2024GantiPresiden').text).toBe('2024 ganti presiden');
  });

  it('folds Unicode and case', () => {
    expect(normalize('𝐕𝐈𝐑𝐀𝐋𝐊𝐀𝐍 ＳＥＫＡＲＡＮＧ').text).toBe('viralkan sekarang');
  });

  it('repairs elongation, reduplication and letter/number swaps', () => {
    expect(normalize('bangeeet').text).toBe('banget');
    expect(normalize('mantuuul').text).toBe('mantap');
    expect(normalize('makasihhh').text).toBe('terima kasih');
    expect(normalize('anak2').text).toBe('anak-anak');
    expect(normalize('hati2').text).toBe('hati-hati');
    expect(normalize('s4y4 b3n3r').text).toBe('saya benar');
    expect(normalize('wkwkwk').text).toBe('haha');
  });

  it('resolves slang from the shipped lexicon', () => {
    expect(normalize('yg gak udh bgt tdk krn dgn').text).toBe('yang tidak sudah banget tidak karena dengan');
    expect(normalize('gw ga tau knp blm dpt bansos').text).toBe(
      'saya tidak tahu kenapa belum dapat bantuan sosial'.replace('bantuan sosial', 'bansos'),
    );
    expect(normalize('kasih tau dong').text).toBe('beri tahu dong');
  });

  it('formalises Jakarta-style verbs and glued prepositions', () => {
    expect(normalize('ngelacak').text).toBe('melacak');
    expect(normalize('nyariin').text).toBe('mencarikan');
    expect(normalize('dirumah aja').text).toBe('di rumah saja');
    expect(normalize('males cepet').text).toBe('malas cepat');
  });

  it('loads extra slang,formal CSV lexicons; later entries win', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-lexicon-')), 'extra.csv');
    fs.writeFileSync(file, 'slang,formal\nmager,malas gerak\nyg,yang tersebut\n');
    const normalizer = createNormalizer([file]);
    expect(normalizer.normalize('lagi mager yg').text).toBe('lagi malas gerak yang tersebut');
    expect(normalize('mager').text).toBe('mager');
  });

  it('keeps ordinary formal Indonesian unchanged', () => {
    const sentence = 'pemerintah memastikan harga beras tetap stabil menjelang lebaran';
    expect(normalize(sentence).text).toBe(sentence);
  });
});

describe('the plain-ASCII fast path', () => {
  // ASCII posts use ASCII-only patterns (faster); a trailing "…" (NFKC: "...") sends the same text down
  // the Unicode path, which must find exactly the same words, mentions, hashtags, URLs and entities.
  const posts = [
    'Waspada!! @humas_polri bilang #HoaksVaksin itu bohong, cek https://cekfakta.com/x?id=1 ya cc @_relawan.kawal_',
    "Jum'at ini BMKG: gempa M5.6 di Cianjur, warga2 ngungsi ke GOR. Info lengkap: www.bmkg.go.id",
    'KPU & Bawaslu sdh klarifikasi... kotak suara kardus aman kok #Pemilu2024 #KawalPemilu @kpu_ri',
    'mantuuul bgt pelayanan RSUD Dr. Soetomo Surabaya, 100gb kuota gratis? hoax wkwkwk',
  ];
  it('matches the Unicode path on the same text', () => {
    const normalizer = createNormalizer();
    for (const post of posts) {
      const fast = normalizer.normalize(post);
      const slow = normalizer.normalize(`${post} …`);
      expect(slow.tokens).toEqual(fast.tokens);
      expect(slow.mentions).toEqual(fast.mentions);
      expect(slow.hashtags).toEqual(fast.hashtags);
      expect(slow.urls).toEqual(fast.urls);
      expect(slow.rawWords).toEqual(fast.rawWords);
      expect(fast.tokens.length).toBeGreaterThan(5);
    }
    const gazetteer = getDefaultGazetteer();
    for (const post of posts) expect(gazetteer.find(`${post} …`)).toEqual(gazetteer.find(post));
    expect(gazetteer.find(posts[2] as string).map((m) => m.id)).toEqual(
      expect.arrayContaining(['kpu', 'bawaslu']),
    );
  });
});

describe('mentions in plain-ASCII text', () => {
  it('are cut out exactly as the mention pattern would', () => {
    const texts = [
      'halo @user123 apa kabar',
      '@awal dan akhir @akhir',
      'email a@b.com bukan mention, tapi (@kemenkes_ri) iya',
      '@@dobel @titik.di.akhir. @.titik @_garis @a @ @u.s.e.r..x',
      'x@y @TMCPoldaMetro!! @Kemensos_RI, cc:@bmkg',
      'tanpa mention sama sekali',
    ];
    for (const text of texts) {
      const expected: string[] = [];
      const replaced = text.replace(MENTION_PATTERN_ASCII, (_m, handle: string) => {
        expected.push(handle.toLowerCase());
        return ' ';
      });
      const mentions: string[] = [];
      expect(replaceMentionsAscii(text, mentions)).toBe(replaced);
      expect(mentions).toEqual(expected);
    }
  });
});

describe('words of lower-cased plain-ASCII text', () => {
  it('are split exactly as the word pattern would', () => {
    const alphabet = ['1', '0', '.', ',', "'", '-', 'a', 'z', ' ', '!', '_', '@'];
    let seed = 11;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const texts = ["rp10.000,50 anak-anak don't 2-0 1.200 situs... 5g-an a--b 12.5x 3,", ''];
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      for (let k = Math.floor(random() * 14); k > 0; k--)
        text += alphabet[Math.floor(random() * alphabet.length)];
      texts.push(text);
    }
    for (const text of texts) expect(asciiWords(text)).toEqual(text.match(WORD_PATTERN_ASCII) ?? []);
  });
});
