"""The SIMFONI-PPA tables for one month and one kota (or every kota), in the register's
Indonesian labels: victims by age band and sex, violence types, places, relationships,
services. Read from the rollups (``tables``): the same counts as every dashboard."""

from datetime import date

from lindungi.stats import tables

AGE_BANDS = ["0-5", "6-12", "13-17", "18-24", "25-44", "45-59", "60+"]
SEXES = [("female", "Perempuan"), ("male", "Laki-laki"), ("unknown", "Tidak diketahui")]
VIOLENCE = [("fisik", "Fisik"), ("psikis", "Psikis"), ("seksual", "Seksual"),
            ("eksploitasi", "Eksploitasi"), ("trafficking", "Trafficking"),
            ("penelantaran", "Penelantaran"), ("lainnya", "Lainnya")]  # fmt: skip
PLACES = [("rumah_tangga", "Rumah Tangga"), ("tempat_kerja", "Tempat Kerja"),
          ("sekolah", "Sekolah"), ("lembaga_pendidikan_kilat", "Lembaga Pendidikan Kilat"),
          ("fasilitas_umum", "Fasilitas Umum"), ("lainnya", "Lainnya")]  # fmt: skip
RELATIONSHIPS = [("orang_tua", "Orang Tua"), ("keluarga", "Keluarga/Saudara"),
                 ("suami_istri", "Suami/Istri"), ("pacar_teman", "Pacar/Teman"),
                 ("tetangga", "Tetangga"), ("guru", "Guru"), ("majikan", "Majikan"),
                 ("rekan_kerja", "Rekan Kerja"), ("lainnya", "Lainnya"),
                 ("tidak_diketahui", "Tidak Diketahui")]  # fmt: skip
SERVICES = [("pengaduan", "Pengaduan"), ("kesehatan", "Kesehatan"),
            ("bantuan_hukum", "Bantuan Hukum"), ("penegakan_hukum", "Penegakan Hukum"),
            ("rehabilitasi_sosial", "Rehabilitasi Sosial"),
            ("reintegrasi_sosial", "Reintegrasi Sosial"), ("pemulangan", "Pemulangan"),
            ("pendampingan_tokoh_agama", "Pendampingan Tokoh Agama")]  # fmt: skip
OTHER = "Lainnya (layanan unit)"
HEADER = ["Tabel", "Kategori", "Jumlah"]


def month_filters(month, kota="", units=None):
    """``month`` as 'yyyy-mm'."""
    start = date.fromisoformat(month + "-01")
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return tables.Filters(
        start=start, end=date.fromordinal(end.toordinal() - 1), kota=kota, units=units
    )


def _listed(filters, measure, dimension, labels):
    counts = tables.by(filters, measure, dimension, "value")
    rows = [[label, counts.get((code,), 0)] for code, label in labels]
    if dimension == "service":
        known = {code for code, _label in labels}
        rows.append([OTHER, sum(n for (code,), n in counts.items() if code not in known)])
    return rows


def sheets(filters):
    """[(sheet title, header, rows)] of the register's tables."""
    by_age_sex = tables.by(filters, "survivors", "age_sex", "value")
    age_rows = [
        [band, *[by_age_sex.get((f"{band}|{sex}",), 0) for sex, _l in SEXES]]
        for band in [*AGE_BANDS, "unknown"]
    ]
    age_rows = [
        [("Tidak diketahui" if r[0] == "unknown" else r[0]), *r[1:], sum(r[1:])] for r in age_rows
    ]
    sexes = [label for _code, label in SEXES]
    return [
        ("Korban usia dan jenis kelamin", ["Kelompok Usia", *sexes, "Jumlah"], age_rows),
        ("Jenis kekerasan", ["Jenis Kekerasan", "Jumlah"],
         _listed(filters, "incidents", "violence", VIOLENCE)),
        ("Tempat kejadian", ["Tempat Kejadian", "Jumlah"],
         _listed(filters, "incidents", "place", PLACES)),
        ("Hubungan pelaku", ["Hubungan Pelaku dengan Korban", "Jumlah"],
         _listed(filters, "perpetrators", "relationship", RELATIONSHIPS)),
        ("Layanan", ["Layanan", "Jumlah"], _listed(filters, "services", "service", SERVICES)),
    ]  # fmt: skip


def csv_rows(filters):
    """One long table for the CSV: Tabel, Kategori, Jumlah (the age table by sex)."""
    rows = []
    for title, header, body in sheets(filters):
        for row in body:
            if len(header) > 2:
                rows += [
                    [title, f"{row[0]} {label}", n]
                    for label, n in zip(header[1:], row[1:], strict=True)
                ]
            else:
                rows.append([title, *row])
    return rows
