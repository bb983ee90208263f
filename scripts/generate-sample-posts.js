#!/usr/bin/env node
// Writes packages/ingest/data/sample-posts.jsonl: two hours of made-up but realistic Indonesian
// posts for `npm start` and demos — everyday chatter, a hoax that bursts in the second hour (with
// copy-paste accounts), a real story that grows steadily, and a debunk. Deterministic (seeded).
//   node scripts/generate-sample-posts.js
const { writeFileSync } = require('node:fs');
const path = require('node:path');

let seed = 20261128;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const chatter = [
  'Macet parah di tol Cikampek arah Jakarta, udah 2 jam gak gerak 😩',
  'Harga cabai rawit di pasar Kramat Jati tembus 80rb/kg, emak2 pada ngeluh',
  'Hujan deres bgt di Depok sore ini, hati2 yg mau pulang kerja ya',
  'Timnas U-23 menang 2-0 lawan Vietnam!! Garuda di dadaku 🇮🇩 #TimnasDay',
  'KRL Bogor-Jakarta gangguan lagi, penumpang numpuk di Manggarai',
  'Info loker: dibutuhkan admin gudang di Cikarang, lulusan SMA/SMK, DM aja',
  'Akhirnya gajian juga, tp langsung habis buat bayar cicilan wkwk',
  'Rekomendasi bakso enak di Bandung dong gaes, yg kuahnya nendang',
  'Jalan Daan Mogot ditutup sementara krn ada perbaikan saluran air',
  'BMKG: cuaca Jabodetabek berawan, potensi hujan ringan siang hari',
  'Konser Dewa 19 di GBK sold out dalam 10 menit, gila sih',
  'Pemkot Surabaya buka pendaftaran beasiswa untuk mahasiswa berprestasi',
  'Antrean BBM di SPBU Jalan Ahmad Yani Medan panjang banget pagi ini',
  'Drakor baru on going rekomen dong, abis nonton yg kemarin gamon parah',
  'Gempa kecil terasa di Sukabumi barusan, semoga gak ada yg luka',
  'Bank Indonesia tahan suku bunga acuan di 5,75 persen bulan ini',
  'Lagi di Jogja, malioboro rame bgt long weekend, parkir susah',
  'Pelayanan Dukcapil sekarang bisa online, bikin KTP gak perlu antre lama',
];

const hoax = [
  'SEBARKAN!!! Vaksin booster terbaru mengandung chip 5G buat melacak warga, kata temen saya yg kerja di rumah sakit. Sebelum dihapus!!',
  'Viralkan! Vaksin booster ada chip pelacaknya, Kemenkes nutupin. Jangan mau disuntik sebelum terlambat!!!',
  'Info A1 dari grup sebelah: chip 5G di vaksin booster aktif bulan depan. Sebarkan ke keluarga kalian!!',
  'Awas!! Vaksin booster bikin tangan nempel magnet karena ada chip 5G. Share sebanyak2nya sebelum dihapus',
];

const flood = [
  'Banjir rob lagi di Muara Baru Jakarta Utara, air masuk rumah warga setinggi lutut',
  'Warga Pluit mengungsi karena banjir rob makin tinggi sore ini',
  'BPBD DKI: banjir rob rendam 12 RT di Jakarta Utara, warga diminta waspada pasang laut',
  'Jalan RE Martadinata terendam banjir rob, kendaraan diminta cari jalur lain',
];

const debunk =
  '[HOAKS] Vaksin booster mengandung chip 5G. Faktanya: vaksin tidak berisi chip apa pun, klarifikasi resmi Kemenkes dan Komdigi. #CekFakta';

const start = Date.parse('2026-11-20T06:00:00Z');
const posts = [];
let n = 0;
const add = (minute, text, handle, source = 'sample') =>
  posts.push({
    source,
    sourceId: String(++n),
    text,
    publishedAt: new Date(start + minute * 60_000 + Math.floor(rand() * 59_000)).toISOString(),
    author: { handle },
    url: `https://contoh.pantau.id/${source}/${n}`,
  });

for (let m = 0; m < 120; m++) {
  // Everyday chatter: about three posts a minute from many accounts.
  for (let i = 0; i < 3; i++) add(m, pick(chatter), `warga${Math.floor(rand() * 400)}`);
  // A real story that grows steadily through the second hour.
  if (m >= 60 && rand() < (m - 60) / 60) add(m, pick(flood), `jakut${Math.floor(rand() * 50)}`, 'news');
  // The hoax: a trickle, then a burst at minute 80 with copy-paste accounts.
  if (m >= 40 && m < 80 && rand() < 0.05) add(m, pick(hoax), `akun${Math.floor(rand() * 30)}`);
  if (m >= 80 && m < 95) for (let i = 0; i < 8; i++) add(m, pick(hoax), `buzzer${Math.floor(rand() * 40)}`);
  if (m === 97) add(m, debunk, 'kemenkes_ri', 'news');
}
posts.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
const out = path.join(__dirname, '..', 'packages/ingest/data/sample-posts.jsonl');
writeFileSync(out, posts.map((p) => JSON.stringify(p)).join('\n') + '\n');
console.log(`wrote ${posts.length} posts to ${path.relative(process.cwd(), out)}`);
