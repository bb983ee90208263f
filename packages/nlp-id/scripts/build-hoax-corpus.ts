/**
 * Builds data/hoax-train-id.csv, the training corpus of the shipped default hoax model, from texts the
 * Pantau project wrote itself (no third-party rows). Deterministic: the same source gives the same file.
 *
 *   npx tsx packages/nlp-id/scripts/build-hoax-corpus.ts
 *
 * Hoax claims appear bare (as they are often forwarded), dressed in the usual share/urgency framing,
 * and in chat spelling; each is also debunked, so the model learns that quoting a hoax in order to
 * refute it is not spreading it. Ordinary news and everyday posts make up the other class, some of them
 * with urgent words of their own (weather warnings, official deadlines).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Claim {
  claim: string;
  /** Who refutes it, as a fact-checker would write. */
  refutedBy: string;
  topic: string;
}

const CLAIMS: Claim[] = [
  {
    claim: 'Vaksin booster mengandung microchip yang bisa melacak lokasi penerima lewat sinyal 5G',
    refutedBy: 'Kemenkes',
    topic: 'vaksin microchip',
  },
  {
    claim:
      'Minum air rebusan daun sirsak tiga kali sehari menyembuhkan kanker stadium 4 dalam dua minggu tanpa operasi',
    refutedBy: 'Kemenkes',
    topic: 'rebusan daun sirsak',
  },
  {
    claim:
      'Mulai besok Kominfo akan memantau semua percakapan WhatsApp dan grup yang mengirim stiker politik akan diblokir',
    refutedBy: 'Komdigi',
    topic: 'pemantauan WhatsApp',
  },
  {
    claim:
      'Bantuan subsidi upah Rp3,5 juta sudah cair, daftar lewat link bsu-kemnaker.online sebelum kuota habis',
    refutedBy: 'Kemnaker',
    topic: 'pendaftaran BSU lewat link',
  },
  {
    claim: 'BMKG memprediksi gempa magnitudo 9 dan tsunami besar akan melanda Jakarta malam ini pukul 23.00',
    refutedBy: 'BMKG',
    topic: 'prediksi gempa Jakarta',
  },
  {
    claim:
      'KPU sudah menyiapkan jutaan surat suara yang tercoblos untuk salah satu paslon di gudang Tanjung Priok',
    refutedBy: 'KPU',
    topic: 'surat suara tercoblos',
  },
  {
    claim:
      'Beras plastik dari luar negeri beredar di pasar tradisional, kalau dimasak jadi lengket dan berbau',
    refutedBy: 'BPOM',
    topic: 'beras plastik',
  },
  {
    claim: 'Uang kertas pecahan Rp100.000 emisi 2016 ditarik BI dan tidak berlaku lagi mulai bulan depan',
    refutedBy: 'Bank Indonesia',
    topic: 'penarikan uang emisi 2016',
  },
  {
    claim:
      'Penculikan anak modus pura-pura jadi petugas PLN marak di Bekasi, sudah tujuh anak hilang minggu ini',
    refutedBy: 'Polri',
    topic: 'penculikan anak di Bekasi',
  },
  {
    claim: 'Makan mie instan dengan nasi dan minum es teh bisa bikin usus lengket dan meninggal mendadak',
    refutedBy: 'Kemenkes',
    topic: 'mie instan dan es teh',
  },
  {
    claim:
      'Pemerintah akan memotong saldo tabungan di atas Rp10 juta untuk membayar utang negara mulai Januari',
    refutedBy: 'Kemenkeu',
    topic: 'pemotongan saldo tabungan',
  },
  {
    claim: 'OJK menutup 12 bank daerah pekan depan, segera tarik semua uang anda sebelum terlambat',
    refutedBy: 'OJK',
    topic: 'penutupan bank daerah',
  },
  {
    claim:
      'Telur palsu dari bahan kimia beredar di Surabaya, kuningnya kenyal seperti karet kalau dipantulkan',
    refutedBy: 'BPOM',
    topic: 'telur palsu',
  },
  {
    claim:
      'Masker medis yang dibagikan gratis sudah dilumuri virus oleh kelompok tertentu untuk menyebarkan penyakit',
    refutedBy: 'Kemenkes',
    topic: 'masker dilumuri virus',
  },
  {
    claim:
      'Bawang putih yang direndam air hangat semalaman bisa membunuh virus corona dalam tubuh 100% sembuh',
    refutedBy: 'Kemenkes',
    topic: 'bawang putih membunuh virus corona',
  },
  {
    claim: 'Ada chip di e-KTP baru yang merekam semua percakapan warga dan dikirim ke server asing',
    refutedBy: 'Kemendagri',
    topic: 'chip e-KTP merekam percakapan',
  },
  {
    claim:
      'Kebangkitan PKI sudah dimulai, ribuan kader berkumpul diam-diam di Jawa Tengah dan media tidak memberitakan',
    refutedBy: 'TNI',
    topic: 'kebangkitan PKI',
  },
  {
    claim:
      'Selamat anda mendapatkan kuota gratis 100 GB dari Komdigi dalam rangka HUT RI, klaim di bit.ly/kuota-gratis-hutri',
    refutedBy: 'Komdigi',
    topic: 'kuota gratis 100 GB',
  },
  {
    claim: 'Air kelapa dicampur garam dan jeruk nipis menyembuhkan diabetes dan darah tinggi dalam tiga hari',
    refutedBy: 'Kemenkes',
    topic: 'air kelapa menyembuhkan diabetes',
  },
  {
    claim: 'Gunung Merapi akan meletus besar besok pagi, warga Yogyakarta diminta mengungsi sebelum jam 5',
    refutedBy: 'BNPB',
    topic: 'letusan Merapi besok pagi',
  },
  {
    claim:
      'Bawaslu menemukan server KPU dikendalikan dari luar negeri untuk mengubah hasil penghitungan suara',
    refutedBy: 'Bawaslu',
    topic: 'server KPU dikendalikan asing',
  },
  {
    claim: 'Gaji PNS bulan depan tidak dibayar karena kas negara kosong, informasi dari orang dalam Kemenkeu',
    refutedBy: 'Kemenkeu',
    topic: 'gaji PNS tidak dibayar',
  },
  {
    claim: 'Obat paracetamol merek tertentu mengandung virus Machupo yang mematikan, jangan diminum',
    refutedBy: 'BPOM',
    topic: 'paracetamol mengandung virus',
  },
  {
    claim:
      'Sekolah akan diliburkan tiga bulan penuh mulai pekan depan karena wabah baru, surat edaran menyusul',
    refutedBy: 'Kemendikdasmen',
    topic: 'sekolah libur tiga bulan',
  },
  {
    claim:
      'Pendaftaran CPNS 2025 dibuka lewat nomor WhatsApp dengan biaya administrasi Rp500 ribu, dijamin lulus',
    refutedBy: 'BKN',
    topic: 'pendaftaran CPNS lewat WhatsApp',
  },
  {
    claim:
      'Petugas berseragam polisi menghipnotis pembeli di minimarket lalu menguras rekening mereka dalam hitungan menit',
    refutedBy: 'Polri',
    topic: 'hipnotis di minimarket',
  },
  {
    claim: 'Tarif listrik naik 300 persen mulai besok dan token lama akan hangus otomatis',
    refutedBy: 'PLN',
    topic: 'tarif listrik naik 300 persen',
  },
  {
    claim: 'Bensin Pertalite dicampur air oleh SPBU di seluruh Jawa Timur sehingga banyak motor mogok',
    refutedBy: 'Pertamina',
    topic: 'Pertalite dicampur air',
  },
  {
    claim: 'Minum air putih dingin setelah makan membuat lemak membeku di usus dan memicu kanker',
    refutedBy: 'Kemenkes',
    topic: 'air dingin memicu kanker',
  },
  {
    claim: 'KPK menangkap seluruh menteri kabinet tadi malam tapi beritanya ditutup-tutupi rezim',
    refutedBy: 'KPK',
    topic: 'penangkapan seluruh menteri',
  },
  {
    claim: 'Sinyal 5G menyebabkan burung berjatuhan dan menurunkan kekebalan tubuh warga sekitar menara',
    refutedBy: 'Komdigi',
    topic: 'sinyal 5G membunuh burung',
  },
  {
    claim:
      'Daging sapi impor yang dijual di pasar ternyata daging babi yang diwarnai, sudah ditemukan di Medan',
    refutedBy: 'Kementan',
    topic: 'daging babi diwarnai',
  },
  {
    claim:
      'Mahkamah Konstitusi membatalkan hasil pemilu dan presiden akan dipilih ulang oleh MPR bulan depan',
    refutedBy: 'MK',
    topic: 'pemilu dibatalkan MK',
  },
  {
    claim: 'BPJS Kesehatan dihapus tahun depan dan semua peserta harus beralih ke asuransi swasta',
    refutedBy: 'BPJS Kesehatan',
    topic: 'BPJS dihapus',
  },
  {
    claim: 'Garam dapur yang dioleskan di pusar bisa menyembuhkan maag dan asam lambung secara permanen',
    refutedBy: 'Kemenkes',
    topic: 'garam di pusar menyembuhkan maag',
  },
  {
    claim:
      'Ada pembagian sembako gratis dari Kemensos, cukup kirim foto KTP dan nomor rekening lewat s.id/sembako-kemensos',
    refutedBy: 'Kemensos',
    topic: 'sembako gratis kirim foto KTP',
  },
  {
    claim:
      'Jembatan Suramadu retak parah dan akan ditutup permanen, pemerintah menyembunyikan hasil inspeksi',
    refutedBy: 'Kementerian PUPR',
    topic: 'Jembatan Suramadu retak',
  },
  {
    claim: 'Tentara asing sudah mendarat di Papua dan sedang bergerak ke Jayapura, TNI diam saja',
    refutedBy: 'TNI',
    topic: 'tentara asing di Papua',
  },
  {
    claim: 'Kopi sachet merek terkenal mengandung obat kuat dan narkoba sehingga bikin kecanduan',
    refutedBy: 'BNN',
    topic: 'kopi sachet mengandung narkoba',
  },
  {
    claim: 'Hujan es dan badai besar akan melanda seluruh Jawa selama seminggu penuh mulai Senin',
    refutedBy: 'BMKG',
    topic: 'badai seminggu di Jawa',
  },
  {
    claim:
      'Pemerintah akan mewajibkan semua warga memasang aplikasi pemantau di ponsel, yang menolak didenda Rp5 juta',
    refutedBy: 'Komdigi',
    topic: 'aplikasi pemantau wajib',
  },
  {
    claim: 'Tanah di sekitar IKN sudah dijual ke pengusaha asing dan warga lokal akan diusir paksa',
    refutedBy: 'Kementerian ATR/BPN',
    topic: 'tanah IKN dijual ke asing',
  },
  {
    claim: 'Jus pare mentah setiap pagi bisa menggantikan insulin untuk penderita diabetes tipe 1',
    refutedBy: 'Kemenkes',
    topic: 'jus pare pengganti insulin',
  },
  {
    claim: 'Pinjol ilegal bisa menagih utang ke semua kontak di ponsel dan itu sah menurut OJK',
    refutedBy: 'OJK',
    topic: 'penagihan pinjol ke semua kontak',
  },
  {
    claim: 'Ijazah presiden terbukti palsu, dokumen aslinya sudah dimusnahkan diam-diam oleh kampus',
    refutedBy: 'Universitas',
    topic: 'ijazah presiden palsu',
  },
  {
    claim:
      'Pemerintah akan membagikan uang tunai Rp2 juta untuk setiap kepala keluarga yang mengisi formulir online di situs bansos-pusat.xyz',
    refutedBy: 'Kemensos',
    topic: 'formulir bansos Rp2 juta',
  },
  {
    claim: 'Video tsunami setinggi 20 meter menyapu pantai Pangandaran pagi ini, ribuan wisatawan hilang',
    refutedBy: 'BNPB',
    topic: 'video tsunami Pangandaran',
  },
  {
    claim: 'Presiden menandatangani aturan yang melarang azan memakai pengeras suara di seluruh Indonesia',
    refutedBy: 'Kemenag',
    topic: 'larangan azan pengeras suara',
  },
  {
    claim:
      'Ribuan tenaga kerja asing dari Tiongkok masuk lewat Bandara Soekarno-Hatta setiap malam tanpa pemeriksaan imigrasi',
    refutedBy: 'Kementerian Hukum',
    topic: 'TKA masuk tanpa pemeriksaan',
  },
  {
    claim:
      'Minyak goreng curah di pasar dicampur minyak bekas dan oli, sudah banyak warga Medan yang keracunan',
    refutedBy: 'BPOM',
    topic: 'minyak goreng dicampur oli',
  },
  {
    claim:
      'Nomor telepon yang diawali kode +92 akan menyedot pulsa dan data pribadi hanya dengan mengangkat teleponnya',
    refutedBy: 'Komdigi',
    topic: 'telepon kode +92 menyedot data',
  },
  {
    claim: 'Anak sekolah yang belum divaksin tidak boleh ikut ujian nasional dan rapornya akan ditahan',
    refutedBy: 'Kemendikdasmen',
    topic: 'rapor ditahan karena belum vaksin',
  },
  {
    claim:
      'Pecahan koin Rp1.000 bergambar kelapa sawit ditarik dan hanya bisa ditukar sampai akhir bulan ini',
    refutedBy: 'Bank Indonesia',
    topic: 'penarikan koin Rp1.000',
  },
  {
    claim: 'Polisi akan menilang pengendara yang memakai sandal jepit mulai Senin dengan denda Rp500 ribu',
    refutedBy: 'Polri',
    topic: 'tilang sandal jepit',
  },
  {
    claim:
      'Virus baru dari kelelawar menyebar di Kalimantan Barat dan rumah sakit di Pontianak sudah penuh, pemerintah menutupinya',
    refutedBy: 'Kemenkes',
    topic: 'virus kelelawar di Pontianak',
  },
  {
    claim:
      'Menteri Keuangan mengumumkan gaji pensiunan PNS dihentikan mulai tahun depan karena anggaran defisit',
    refutedBy: 'Kemenkeu',
    topic: 'pensiun PNS dihentikan',
  },
  {
    claim: 'Jokowi dan keluarga sudah pindah kewarganegaraan dan memiliki rumah mewah di Singapura',
    refutedBy: 'Sekretariat Negara',
    topic: 'pindah kewarganegaraan ke Singapura',
  },
  {
    claim: 'Es krim merek terkenal mengandung lemak babi dan sertifikat halalnya sudah dicabut MUI',
    refutedBy: 'MUI',
    topic: 'es krim mengandung babi',
  },
  {
    claim:
      'Makan durian bersama minuman bersoda dijamin bikin perut meledak dan sudah ada korban meninggal di Bogor',
    refutedBy: 'Kemenkes',
    topic: 'durian dan soda',
  },
  {
    claim: 'Satelit NASA merekam cahaya aneh di langit Sulawesi yang menandakan kiamat sudah dekat',
    refutedBy: 'BRIN',
    topic: 'cahaya aneh tanda kiamat',
  },
  {
    claim:
      'Bank BUMN akan memblokir rekening nasabah yang tidak memperbarui data lewat tautan di SMS sebelum tanggal 30',
    refutedBy: 'OJK',
    topic: 'blokir rekening lewat tautan SMS',
  },
  {
    claim:
      'Pemilu 2029 ditiadakan dan masa jabatan presiden diperpanjang sampai 2034 menurut dokumen rahasia DPR',
    refutedBy: 'KPU',
    topic: 'pemilu 2029 ditiadakan',
  },
  {
    claim:
      'Sayuran dari pasar induk disemprot formalin dosis tinggi supaya tahan seminggu dan memicu kanker ginjal',
    refutedBy: 'BPOM',
    topic: 'sayur disemprot formalin',
  },
  {
    claim:
      'Air hujan pertama di musim ini mengandung zat kimia dari pesawat sehingga tidak boleh terkena kulit anak-anak',
    refutedBy: 'BMKG',
    topic: 'air hujan mengandung zat kimia',
  },
  {
    claim: 'Semua SIM lama tidak berlaku lagi mulai bulan depan dan harus dibuat ulang dengan biaya Rp1 juta',
    refutedBy: 'Polri',
    topic: 'SIM lama tidak berlaku',
  },
  {
    claim:
      'Rumah sakit sengaja mencovidkan pasien yang meninggal supaya mendapat dana ratusan juta dari pemerintah',
    refutedBy: 'Kemenkes',
    topic: 'rumah sakit mencovidkan pasien',
  },
  {
    claim: 'Jembatan penghubung di Palu runtuh lagi karena gempa susulan magnitudo 7,8 tadi subuh',
    refutedBy: 'BMKG',
    topic: 'gempa susulan 7,8 di Palu',
  },
  {
    claim:
      'Pemerintah membagikan laptop gratis untuk semua mahasiswa, cukup daftar dengan NIK dan foto KTM lewat WhatsApp admin',
    refutedBy: 'Kemdiktisaintek',
    topic: 'laptop gratis untuk mahasiswa',
  },
  {
    claim: 'Obat tetes mata bisa membuat orang pingsan dan sering dipakai pelaku kejahatan di minuman korban',
    refutedBy: 'BPOM',
    topic: 'tetes mata bikin pingsan',
  },
  {
    claim:
      'Harga BBM akan naik dua kali lipat tengah malam ini, segera isi penuh tangki sebelum SPBU ditutup',
    refutedBy: 'Pertamina',
    topic: 'BBM naik dua kali lipat malam ini',
  },
  {
    claim: 'Foto kapal perang asing berlabuh di Natuna dan menurunkan pasukan, TNI tidak berani bertindak',
    refutedBy: 'TNI',
    topic: 'pasukan asing di Natuna',
  },
  {
    claim:
      'Dana haji sudah habis dipakai untuk membangun jalan tol sehingga keberangkatan jamaah tahun depan dibatalkan',
    refutedBy: 'Kemenag',
    topic: 'dana haji untuk jalan tol',
  },
  {
    claim:
      'Setiap warga yang memposting kritik ke pemerintah di media sosial akan dipenjara lima tahun mulai besok',
    refutedBy: 'Komdigi',
    topic: 'kritik di medsos dipenjara',
  },
  {
    claim:
      'Kucing peliharaan bisa menularkan virus cacar monyet ke manusia lewat bulunya, segera buang kucing anda',
    refutedBy: 'Kemenkes',
    topic: 'kucing menularkan cacar monyet',
  },
  {
    claim:
      'Banjir besar akan merendam Jakarta setinggi tiga meter minggu depan menurut ramalan ahli dari luar negeri',
    refutedBy: 'BMKG',
    topic: 'ramalan banjir tiga meter',
  },
  {
    claim:
      'Gas elpiji 3 kg akan dihapus dan diganti kompor listrik wajib untuk semua rumah tangga bulan depan',
    refutedBy: 'Kementerian ESDM',
    topic: 'elpiji 3 kg dihapus',
  },
  {
    claim:
      'Seorang ustaz ditangkap polisi hanya karena berceramah tentang kejujuran, videonya sudah dihapus dari YouTube',
    refutedBy: 'Polri',
    topic: 'ustaz ditangkap karena ceramah',
  },
  {
    claim: 'Minum rebusan kunyit dan jahe tiap pagi membuat kebal terhadap semua jenis virus termasuk HIV',
    refutedBy: 'Kemenkes',
    topic: 'kunyit jahe kebal HIV',
  },
  {
    claim:
      'Kartu Indonesia Pintar bisa dicairkan Rp5 juta di minimarket dengan menunjukkan pesan berantai ini ke kasir',
    refutedBy: 'Kemendikdasmen',
    topic: 'KIP cair di minimarket',
  },
  {
    claim:
      'Pesawat Garuda jatuh di perairan Bali dengan 200 penumpang tapi beritanya ditahan oleh pemerintah',
    refutedBy: 'Kemenhub',
    topic: 'pesawat jatuh di Bali',
  },
];

const HOAX_OPENERS = [
  'INFO PENTING!!! ',
  'Kata teman saya yang kerja di {agency}, ',
  'Copas dari grup sebelah: ',
  'Info A1 dari orang dalam, ',
  'Mohon maaf mengganggu, sekadar info buat keluarga semua. ',
  'BREAKING NEWS!! ',
  'Pesan dari seorang dokter: ',
  'Kabar dari saudara saya yang dinas di {agency}: ',
  'Waspada!! ',
  'Barusan dapat info: ',
];

const HOAX_CLOSERS = [
  ' Sebarkan sebelum dihapus!!!',
  ' Tolong viralkan, media tidak akan memberitakan ini.',
  ' Share ke semua grup keluarga ya, jangan sampai jadi korban.',
  ' Ini bukan hoax, sudah terbukti.',
  ' Jika tidak disebarkan kamu ikut berdosa.',
  ' Segera teruskan pesan ini ke 10 grup!',
  ' Bagikan sebanyak-banyaknya 🙏🙏',
  ' Awas, jangan percaya bantahan pemerintah!',
  ' Amin kan dan bagikan.',
  ' Mumpung belum diblokir, simpan dan sebarkan.',
];

/** Chat spelling for the same claims: how they circulate in groups. */
const CHAT_SPELLING: [RegExp, string][] = [
  [/\byang\b/g, 'yg'],
  [/\btidak\b/g, 'gak'],
  [/\bsudah\b/g, 'udh'],
  [/\bdengan\b/g, 'dgn'],
  [/\bkarena\b/g, 'krn'],
  [/\buntuk\b/g, 'utk'],
  [/\bsaja\b/g, 'aja'],
  [/\bsemua\b/g, 'smua'],
  [/\bbesok\b/g, 'bsk'],
  [/\bsekarang\b/g, 'skrg'],
  [/\bkalau\b/g, 'klo'],
  [/\bbisa\b/g, 'bs'],
  [/\bjuga\b/g, 'jg'],
  [/\bbanyak\b/g, 'byk'],
  [/\bwarga\b/g, 'warga2'],
];

const DEBUNK_FORMS = [
  '[HOAKS] {Topic}. Faktanya, {refutedBy} memastikan informasi yang beredar di WhatsApp itu tidak benar.',
  'Cek fakta: beredar pesan berantai soal {topic} dengan ajakan "sebarkan sebelum dihapus". {refutedBy} menyatakan klaim tersebut hoaks dan meminta warga tidak meneruskannya.',
  '[SALAH] "{claim}" — {refutedBy} telah membantah kabar ini. Informasi resmi hanya dari kanal resmi.',
  'Klarifikasi {refutedBy}: kabar {topic} yang viral di media sosial adalah disinformasi. Masyarakat diimbau cek ulang sebelum membagikan.',
  'Jangan mudah percaya! Kabar {topic} sudah dipastikan tidak benar oleh {refutedBy}. Cek di turnbackhoax.id sebelum share ya gaes.',
];

const NEWS = [
  'Bank Indonesia mempertahankan suku bunga acuan di level 6 persen, kata Gubernur BI dalam konferensi pers di Jakarta, Rabu.',
  'BMKG mengimbau warga pesisir selatan Jawa waspada gelombang tinggi hingga 4 meter pada 12–14 Juli, dikutip dari keterangan resmi.',
  'KPU menetapkan jadwal pendaftaran calon kepala daerah dibuka 27 Agustus, ujar Ketua KPU di kantor KPU Jakarta.',
  'Kemenkes mencatat cakupan imunisasi dasar lengkap naik menjadi 87 persen pada semester pertama tahun ini.',
  'Polda Metro Jaya menangkap tiga tersangka penipuan investasi bodong dengan kerugian korban Rp12 miliar.',
  'Harga cabai rawit di Pasar Induk Kramat Jati turun menjadi Rp45.000 per kilogram setelah panen raya di Jawa Tengah.',
  'Presiden meresmikan Bendungan Sepaku Semoi di Kalimantan Timur yang akan memasok air baku ke kawasan IKN.',
  'OJK mencabut izin usaha BPR di Jawa Barat karena gagal memenuhi rasio permodalan, nasabah dijamin LPS sesuai ketentuan.',
  'BPOM menarik 12 produk kosmetik yang mengandung merkuri dari peredaran setelah uji laboratorium, jelasnya dalam siaran pers.',
  'Gempa magnitudo 5,2 mengguncang Garut pada Sabtu dini hari; BMKG memastikan tidak berpotensi tsunami.',
  'Pemprov DKI Jakarta memperpanjang layanan Transjakarta hingga pukul 24.00 selama libur akhir tahun.',
  'Kemendikdasmen mengumumkan hasil seleksi PPPK guru tahap pertama dapat dilihat di laman resmi mulai Senin.',
  'Bawaslu menerima 214 laporan dugaan pelanggaran kampanye dan menindaklanjuti 37 di antaranya, menurut data Bawaslu.',
  'Timnas Indonesia menang 2-0 atas Vietnam di Stadion Gelora Bung Karno dalam kualifikasi Piala Dunia.',
  'BNPB mengirim bantuan logistik dan tenda pengungsi untuk korban banjir bandang di Luwu, Sulawesi Selatan.',
  'Kemenkeu melaporkan penerimaan pajak hingga Oktober mencapai 82 persen dari target APBN.',
  'PLN memulihkan 95 persen jaringan listrik yang terdampak angin kencang di Bali, kata juru bicara PLN.',
  'Pertamina menurunkan harga Pertamax menjadi Rp12.950 per liter mulai 1 Desember, sesuai pengumuman di situs resmi.',
  'KPK menahan mantan kepala dinas pekerjaan umum terkait dugaan korupsi proyek jalan senilai Rp8 miliar.',
  'BPS mencatat inflasi tahunan November sebesar 1,55 persen, terendah dalam tiga tahun terakhir.',
  'Kemnaker membuka pendaftaran program pelatihan vokasi gratis di 21 balai latihan kerja melalui laman kemnaker.go.id.',
  'Mahkamah Konstitusi menolak gugatan uji materi UU Pemilu yang diajukan sejumlah mahasiswa, Kamis.',
  'Pemerintah Kota Surabaya membuka 40 titik posko kesehatan gratis selama arus mudik Lebaran.',
  'Kemenag menetapkan awal Ramadan jatuh pada 1 Maret berdasarkan hasil sidang isbat.',
  'Kominfo memblokir 1.200 situs judi online selama sepekan, sebagian besar berasal dari server luar negeri.',
  'Tim SAR gabungan menemukan dua nelayan yang hilang di perairan Maluku dalam keadaan selamat.',
  'Kementan menyalurkan 500 ton benih padi untuk petani terdampak kekeringan di Nusa Tenggara Timur.',
  'Dinas Kesehatan Bandung mencatat kasus demam berdarah meningkat dan mengimbau warga menguras bak mandi.',
  'Sebanyak 1,2 juta penumpang menggunakan kereta api selama libur panjang, menurut data PT KAI.',
  'Kejagung menetapkan empat tersangka baru dalam kasus korupsi tata niaga timah.',
  'Hujan deras menyebabkan banjir setinggi 50 sentimeter di Jakarta Timur; BPBD DKI menyiagakan pompa air.',
  'Gubernur Jawa Tengah meninjau pasar murah di Semarang yang menjual beras Rp10.500 per kilogram.',
  'Komnas HAM meminta aparat mengusut tuntas kasus kekerasan terhadap jurnalis di Makassar.',
  'Menteri Kesehatan menjelaskan vaksin HPV gratis untuk siswi kelas 5 dan 6 SD mulai tahun ajaran ini.',
  'BI mengingatkan masyarakat bahwa uang emisi lama tetap berlaku sampai ada pengumuman pencabutan resmi.',
  'Kemendagri menyatakan pencetakan e-KTP di Dukcapil tidak dipungut biaya apa pun.',
  'Produksi beras nasional diperkirakan naik 3 persen tahun ini berkat musim tanam yang lebih baik, kata BPS.',
  'Polri mengerahkan 150 ribu personel untuk pengamanan Natal dan Tahun Baru di seluruh Indonesia.',
  'Universitas Indonesia membuka pendaftaran jalur mandiri hingga 15 Juni, informasi lengkap di laman penerimaan.',
  'BMKG: musim hujan di sebagian besar wilayah Indonesia diperkirakan mulai November, warga diminta waspada banjir.',
  'TNI AL mengevakuasi 300 wisatawan yang terjebak cuaca buruk di Kepulauan Seribu.',
  'Kemensos menyalurkan bantuan sosial tunai tahap ketiga melalui kantor pos; penerima dicek di cekbansos.kemensos.go.id.',
  'Kemenhub menambah jadwal penerbangan Jakarta–Labuan Bajo menjelang musim liburan.',
  'BNN memusnahkan 120 kilogram sabu hasil pengungkapan jaringan internasional di Aceh.',
  'Pemerintah menetapkan cuti bersama Idul Fitri selama empat hari, sesuai SKB tiga menteri.',
  'Bank Indonesia meluncurkan uang rupiah kertas tahun emisi baru dan memastikan uang lama tetap sah sebagai alat pembayaran.',
  'Pemerintah Provinsi Jawa Barat membuka 1.500 kuota mudik gratis dengan bus bagi warga yang mendaftar melalui aplikasi resmi.',
  'BPOM menemukan takjil mengandung pewarna tekstil di tiga pasar Ramadan di Bandung dan meminta pedagang menarik produknya.',
  'Kemenkes melaporkan kasus campak meningkat di sejumlah daerah dan mengajak orang tua melengkapi imunisasi anak.',
  'Pengadilan Negeri Jakarta Selatan menjatuhkan vonis tujuh tahun penjara kepada terdakwa kasus penipuan robot trading.',
  'BMKG mencatat suhu udara di Semarang mencapai 37 derajat Celsius dan mengimbau warga banyak minum air putih.',
  'KPU membuka pendaftaran petugas KPPS untuk pilkada melalui aplikasi dan kantor kelurahan hingga akhir bulan.',
  'PT KAI menambah perjalanan kereta tambahan relasi Jakarta–Surabaya untuk mengantisipasi lonjakan penumpang libur sekolah.',
  'Polres Malang mengungkap jaringan pencurian kendaraan bermotor dan mengembalikan 23 motor kepada pemiliknya.',
  'Kementerian Pertanian memperkirakan panen raya padi di Jawa Timur berlangsung hingga pertengahan April.',
  'Ombudsman menerima ratusan aduan soal layanan penerimaan peserta didik baru dan meminta dinas pendidikan berbenah.',
  'Harga emas Antam naik Rp8.000 menjadi Rp1,35 juta per gram pada perdagangan Selasa pagi.',
  'Bawaslu Jawa Tengah menertibkan ribuan alat peraga kampanye yang dipasang di pohon dan tiang listrik.',
  'Gubernur Bali meminta wisatawan asing menghormati adat setempat setelah sejumlah pelanggaran viral di media sosial.',
  'BNPB memperpanjang status tanggap darurat banjir di Demak selama tujuh hari ke depan.',
  'Kemenparekraf mencatat kunjungan wisatawan mancanegara naik 20 persen dibanding tahun lalu.',
  'Komdigi mengingatkan masyarakat tidak membagikan kode OTP kepada siapa pun, termasuk yang mengaku petugas bank.',
  'OJK menghentikan kegiatan 40 entitas pinjaman online ilegal dan meminta masyarakat mengecek legalitas di situs resmi OJK.',
  'Kemensos memastikan penyaluran bansos tidak dipungut biaya dan tidak pernah meminta data lewat tautan di media sosial.',
  'MUI menerbitkan daftar produk halal terbaru yang bisa dicek masyarakat melalui laman resmi BPJPH.',
];

const EVERYDAY = [
  'Pagi2 udah macet parah di tol Cikampek, padahal baru jam 6 😩 #macet',
  'Ada yg tau bengkel motor yg buka hari Minggu di daerah Depok? butuh bgt nih',
  'Alhamdulillah akhirnya sidang skripsi lancar, makasih buat semua yg udh doain 🙏',
  'Seblak deket kampus enak bgt, level 5 aja udah bikin nangis wkwk',
  'Indihome mati lagi dari tadi siang, min @IndiHomeCare tolong dicek dong',
  'Nonton timnas semalem deg2an bgt, gol menit terakhir bikin teriak satu rumah ⚽🔥',
  'Hujan terus dari pagi, jemuran gak kering2. Ada tips ga?',
  'Lagi nyari rekomendasi laptop buat kuliah desain budget 10 jutaan, ada saran?',
  'Besok libur kan ya? Atau cuma cuti bersama buat PNS?',
  'Harga telur di warung sebelah naik jadi 30 ribu sekilo, kemarin masih 27 ribu',
  'Paket gue nyangkut di gudang sortir 4 hari, kurirnya bilang lagi banyak kiriman',
  'Mau tanya, perpanjang SIM sekarang bisa online ya lewat aplikasi?',
  'Kopi susu gula aren emang paling cocok buat nemenin lembur malam ini ☕',
  'Thread: pengalaman ngurus paspor pertama kali di kantor imigrasi, ternyata cepet juga',
  'Anak2 di kompleks lagi seneng main layangan, rame bgt sore ini',
  'Reminder buat diri sendiri: minum air putih yg cukup, jangan kebanyakan kopi',
  'Konser kemarin keren parah, sound-nya mantap dan penontonnya tertib',
  'Ada yang mau bareng ke Bandung Sabtu pagi? Masih ada 2 kursi kosong di mobil',
  'KRL pagi ini telat 15 menit, semoga gak telat absen 😅',
  'Resep sambal matah ala Bali gampang bgt ternyata, cuma bawang merah, serai, cabai, jeruk limau',
  'Jalan di depan rumah akhirnya diaspal setelah 2 tahun rusak, makasih pak RT',
  'Lagi diskon 50% di toko buku online, borong novel dulu 📚',
  'Gimana caranya bayar PBB online? Ada yg pernah coba lewat m-banking?',
  'Final liga voli tadi seru bgt, set kelima sampai 17-15',
  'Minggu depan ada pemadaman listrik terjadwal di kelurahan kami, sudah diumumkan PLN lewat surat ke RT',
  'Seneng bgt ngeliat taman kota sekarang bersih dan banyak lampu, cocok buat jogging sore',
  'Tolong doakan ibu saya yg lagi dirawat di RS, semoga cepat pulih 🙏',
  'Jangan lupa bawa payung ya, BMKG bilang sore ini hujan lebat di Jakarta Selatan',
  'Segera daftar ulang ya teman2 maba, batas akhirnya Jumat ini di portal kampus',
  'Penting: rapat warga RW 05 dipindah ke Sabtu malam jam 19.30 di balai warga',
  'Baru pulang kerja langsung disambut kucing minta makan, capek tapi seneng liatnya 🐱',
  'Ada rekomendasi tempat servis AC yg jujur di Bekasi? AC kamar netes terus nih',
  'Pengajian ibu2 kompleks minggu ini di rumah Bu Rina ya, jangan lupa bawa takjil',
  'Hari ini belajar bikin kue lapis legit pertama kali, hasilnya lumayan walau agak bantat wkwk',
  'Motor mogok di tengah jalan pas hujan, untung ada bapak2 baik yg bantu dorong sampai bengkel 🙏',
  'Alhamdulillah anak lulus SNBP di kampus impiannya, perjuangan belajar tiap malam terbayar',
  'Warung bakso langganan pindah ke seberang jalan, rasanya masih sama enaknya',
  'Cuaca Bandung pagi ini dingin bgt, enaknya ngopi sambil liat kabut',
  'Ada yg tau cara ganti nomor HP di aplikasi bank? Nomor lama udah hangus',
  'Nonton film horor baru di bioskop, jump scare-nya lumayan tapi ceritanya biasa aja',
];

function fill(template: string, claim: Claim): string {
  const topicCapital = claim.topic.charAt(0).toUpperCase() + claim.topic.slice(1);
  return template
    .replace(/\{agency\}/g, claim.refutedBy)
    .replace(/\{refutedBy\}/g, claim.refutedBy)
    .replace(/\{Topic\}/g, topicCapital)
    .replace(/\{topic\}/g, claim.topic)
    .replace(/\{claim\}/g, claim.claim);
}

function chatSpelling(text: string): string {
  let out = text.toLowerCase();
  for (const [pattern, replacement] of CHAT_SPELLING) out = out.replace(pattern, replacement);
  return out;
}

function newsHeadline(text: string): string {
  // Headlines drop the attribution clause and the final period.
  return text.split(/[,;:]/)[0]?.replace(/\.$/, '') ?? text;
}

interface Row {
  text: string;
  label: 0 | 1;
  /** Rows about the same claim or news item share a group and a cross-validation fold. */
  group?: string;
}

function build(): Row[] {
  const rows: Row[] = [];
  CLAIMS.forEach((claim, i) => {
    const GROUP = `claim-${i + 1}`;
    rows.push({ text: claim.claim, label: 1, group: GROUP });
    const opener = HOAX_OPENERS[i % HOAX_OPENERS.length] as string;
    const closer = HOAX_CLOSERS[(i * 3) % HOAX_CLOSERS.length] as string;
    const claimAfterOpener = opener.endsWith(', ')
      ? claim.claim.charAt(0).toLowerCase() + claim.claim.slice(1)
      : claim.claim;
    rows.push({ text: fill(opener, claim) + claimAfterOpener + '.' + closer, label: 1, group: GROUP });
    const shout = i % 3 === 0 ? (claim.claim + '!!!').toUpperCase() : chatSpelling(claim.claim);
    rows.push({
      text: shout + (HOAX_CLOSERS[(i * 7 + 1) % HOAX_CLOSERS.length] as string),
      label: 1,
      group: GROUP,
    });
    rows.push({ text: fill(DEBUNK_FORMS[i % DEBUNK_FORMS.length] as string, claim), label: 0, group: GROUP });
    rows.push({
      text: fill(DEBUNK_FORMS[(i + 2) % DEBUNK_FORMS.length] as string, claim),
      label: 0,
      group: GROUP,
    });
  });
  NEWS.forEach((text, i) => {
    const GROUP = `news-${i + 1}`;
    rows.push({ text, label: 0 });
    rows.push({
      text: i % 2 === 0 ? newsHeadline(text) : newsHeadline(text).toLowerCase(),
      label: 0,
      group: GROUP,
    });
  });
  for (const text of EVERYDAY) rows.push({ text, label: 0 });
  return rows;
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

const out = path.resolve(__dirname, '..', 'data', 'hoax-train-id.csv');
const rows = build();
fs.writeFileSync(
  out,
  'text,label,group\n' +
    rows.map((r) => `${csvField(r.text)},${r.label},${String(r.group)}`).join('\n') +
    '\n',
);
process.stderr.write(
  `wrote ${rows.length} rows (${rows.filter((r) => r.label === 1).length} hoax) to ${out}\n`,
);
