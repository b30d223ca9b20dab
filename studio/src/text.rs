//! The studio's words, in English and Indonesian (the browser's language picks).

/// Every string the studio shows.
pub struct Text {
    pub title: &'static str,
    pub sign_in: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_out: &'static str,
    pub wrong_credentials: &'static str,
    pub throttled: &'static str,
    pub failed: &'static str,
    pub no_shows: &'static str,
    pub on_air: fn(&str) -> &'static str,
    pub preview: &'static str,
    pub pick_product: &'static str,
    pub tap_to_pin: fn(&str) -> String,
    pub pinned: fn(&str) -> String,
    pub unpin: fn(&str) -> String,
    pub tags_up: &'static str,
    pub no_tags: &'static str,
    pub go_live: &'static str,
    pub server: &'static str,
    pub stream_key: &'static str,
    pub show_key: &'static str,
    pub hide_key: &'static str,
    pub new_key: &'static str,
    pub end_show: &'static str,
    pub confirm_end: &'static str,
    pub ended: &'static str,
    pub chat: &'static str,
    pub no_chat: &'static str,
    pub remove: &'static str,
    pub mute: &'static str,
    pub ban: &'static str,
}

const EN: Text = Text {
    title: "Lapak Studio",
    sign_in: "Sign in",
    email: "Email",
    password: "Password",
    sign_out: "Sign out",
    wrong_credentials: "Wrong email or password.",
    throttled: "Too many wrong passwords. Try again in 15 minutes.",
    failed: "That did not work. Try again.",
    no_shows: "Your brand has no shows on this server yet.",
    on_air: |state| match state {
        "live" => "On air",
        "waiting" => "Waiting for the encoder",
        "paused" => "Encoder dropped",
        "ended" => "Ended",
        _ => "",
    },
    preview: "Live preview: what viewers see",
    pick_product: "Products: pick one, then tap it in the picture",
    tap_to_pin: |name| format!("Tap the picture where {name} is"),
    pinned: |name| format!("{name} pinned"),
    unpin: |name| format!("Unpin {name}"),
    tags_up: "Tags up now",
    no_tags: "No tags up.",
    go_live: "Go live",
    server: "Server",
    stream_key: "Stream key",
    show_key: "Show",
    hide_key: "Hide",
    new_key: "New key",
    end_show: "End show",
    confirm_end: "End the show for everyone? The encoder is cut off.",
    ended: "The show has ended.",
    chat: "Chat",
    no_chat: "No messages yet.",
    remove: "Remove",
    mute: "Mute 10 min",
    ban: "Ban",
};

const ID: Text = Text {
    title: "Lapak Studio",
    sign_in: "Masuk",
    email: "Email",
    password: "Kata sandi",
    sign_out: "Keluar",
    wrong_credentials: "Email atau kata sandi salah.",
    throttled: "Terlalu banyak kata sandi salah. Coba lagi dalam 15 menit.",
    failed: "Gagal. Coba lagi.",
    no_shows: "Brand kamu belum punya siaran di server ini.",
    on_air: |state| match state {
        "live" => "Siaran langsung",
        "waiting" => "Menunggu encoder",
        "paused" => "Encoder terputus",
        "ended" => "Selesai",
        _ => "",
    },
    preview: "Pratinjau langsung: yang dilihat penonton",
    pick_product: "Produk: pilih satu, lalu ketuk di gambar",
    tap_to_pin: |name| format!("Ketuk gambar di tempat {name} berada"),
    pinned: |name| format!("{name} disematkan"),
    unpin: |name| format!("Lepas {name}"),
    tags_up: "Tag yang tampil",
    no_tags: "Belum ada tag.",
    go_live: "Mulai siaran",
    server: "Server",
    stream_key: "Kunci stream",
    show_key: "Lihat",
    hide_key: "Sembunyikan",
    new_key: "Kunci baru",
    end_show: "Akhiri siaran",
    confirm_end: "Akhiri siaran untuk semua? Encoder akan diputus.",
    ended: "Siaran telah selesai.",
    chat: "Obrolan",
    no_chat: "Belum ada pesan.",
    remove: "Hapus",
    mute: "Bisukan 10 mnt",
    ban: "Blokir",
};

/// The strings for the browser's language, and its code.
pub fn for_browser() -> (&'static Text, &'static str) {
    let language = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    if language.to_lowercase().starts_with("id") {
        (&ID, "id")
    } else {
        (&EN, "en")
    }
}
