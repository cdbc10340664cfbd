"""The mix of seeded cases: the published figures for DKI Jakarta's service centre in 2024,
as weights (survivors by kota: Timur 536, Barat 462, Selatan 440, Utara 362, Pusat 228,
Kepulauan Seribu 13; 892 women, 797 girls and 352 boys; sexual violence the most common type).
"""

from lindungi.cases.models import (
    Education,
    MaritalStatus,
    Priority,
    PublicEmployer,
    Status,
    TimeOfDay,
)
from lindungi.cases.vocabulary import (
    Accommodation,
    GbvType,
    PlaceType,
    Relationship,
    TpksForm,
)

YEARS = 10  # a deployment keeps cases for ten years and more
GROWTH = 1.11  # a year on year: 1,179 cases in 2019, 2,041 in 2024

KOTA_2024 = {"31.75": 536, "31.73": 462, "31.74": 440, "31.72": 362, "31.71": 228, "31.01": 13}
SURVIVORS_2024 = {"woman": 892, "girl": 797, "boy": 352}
CHILD_AGES = {(0, 5): 12, (6, 12): 33, (13, 17): 55}
WOMAN_AGES = {(18, 24): 30, (25, 44): 50, (45, 59): 15, (60, 80): 5}

G = GbvType
GBV_MIX = {
    "girl": {G.RAPE: 35, G.SEXUAL_ASSAULT: 30, G.PHYSICAL_ASSAULT: 12, G.FORCED_MARRIAGE: 3,
             G.DENIAL_OF_RESOURCES: 5, G.PSYCHOLOGICAL_ABUSE: 13, G.NON_GBV: 2},
    "boy": {G.RAPE: 15, G.SEXUAL_ASSAULT: 30, G.PHYSICAL_ASSAULT: 30,
            G.DENIAL_OF_RESOURCES: 8, G.PSYCHOLOGICAL_ABUSE: 15, G.NON_GBV: 2},
    "woman": {G.RAPE: 18, G.SEXUAL_ASSAULT: 14, G.PHYSICAL_ASSAULT: 30, G.FORCED_MARRIAGE: 1,
              G.DENIAL_OF_RESOURCES: 10, G.PSYCHOLOGICAL_ABUSE: 25, G.NON_GBV: 2},
}  # fmt: skip
R = Relationship
RELATIONSHIP_MIX = {
    "child": {R.ORANG_TUA: 15, R.KELUARGA: 17, R.TETANGGA: 18, R.PACAR: 9, R.TEMAN: 9,
              R.GURU: 7, R.SUAMI_ISTRI: 2, R.LAINNYA: 12, R.TIDAK_DIKETAHUI: 11},
    "woman": {R.SUAMI_ISTRI: 38, R.PACAR: 9, R.TEMAN: 5, R.MANTAN_PASANGAN: 6, R.KELUARGA: 8,
              R.TETANGGA: 7, R.REKAN_KERJA: 5, R.MAJIKAN: 4, R.LAINNYA: 9,
              R.TIDAK_DIKETAHUI: 9},
}  # fmt: skip
P = PlaceType
PLACE_MIX = {P.RUMAH_TANGGA: 55, P.FASILITAS_UMUM: 15, P.SEKOLAH: 8, P.TEMPAT_KERJA: 5,
             P.LEMBAGA_PENDIDIKAN_KILAT: 2, P.LAINNYA: 15}  # fmt: skip
# Days from incident to report, by GBVIMS band; children's abuse often comes out late.
DELAY_MIX = {(0, 3): 30, (4, 5): 8, (6, 14): 12, (15, 30): 10, (31, 1500): 40}
# Indonesian mobile prefixes (Telkomsel, Indosat, XL, Tri, Smartfren): numbers that validate.
MOBILE_PREFIXES = ["0811", "0812", "0813", "0821", "0822", "0852", "0856", "0857", "0858", "0877",
                   "0878", "0895", "0896", "0881"]  # fmt: skip
T = TimeOfDay
TIME_OF_DAY_MIX = {T.MORNING: 25, T.AFTERNOON: 30, T.NIGHT: 35, T.UNKNOWN: 10}
PRIORITY_MIX = {Priority.HIGH: 20, Priority.MEDIUM: 50, Priority.LOW: 30}
# Status by how long ago the case was opened (days, exclusive upper bound).
STATUS_BY_AGE = [
    (14, {Status.OPEN: 45, Status.ASSESSMENT: 40, Status.PLANNING: 15}),
    (90, {Status.ASSESSMENT: 20, Status.PLANNING: 25, Status.SERVICES: 35,
          Status.FOLLOW_UP: 10, Status.CLOSED: 10}),
    (365, {Status.PLANNING: 5, Status.SERVICES: 15, Status.FOLLOW_UP: 20,
           Status.CLOSED: 55, Status.REOPENED: 5}),
    (None, {Status.SERVICES: 4, Status.FOLLOW_UP: 5, Status.CLOSED: 88, Status.REOPENED: 3}),
]  # fmt: skip
SEXUAL_ASSAULT_FORMS = {
    TpksForm.PHYSICAL_HARASSMENT: 40,
    TpksForm.OBSCENE_ACTS: 25,
    TpksForm.NON_PHYSICAL_HARASSMENT: 15,
    TpksForm.ELECTRONIC: 15,
    TpksForm.PORNOGRAPHY: 5,
}
WOMAN_OCCUPATIONS = {
    "Ibu rumah tangga": 30, "Karyawan swasta": 18, "Tidak bekerja": 12, "Pedagang": 9,
    "Buruh harian lepas": 8, "Asisten rumah tangga": 6, "Wiraswasta": 6, "Mahasiswa": 6,
    "Guru": 3, "Pegawai negeri": 2,
}  # fmt: skip
MAN_OCCUPATIONS = {
    "Karyawan swasta": 22, "Buruh harian lepas": 18, "Wiraswasta": 14, "Pengemudi ojek": 12,
    "Tidak bekerja": 12, "Pedagang": 9, "Pelajar": 6, "Guru": 3, "Pegawai negeri": 2,
    "Satpam": 2,
}  # fmt: skip
EDUCATION_MIX = {Education.SD: 15, Education.SMP: 20, Education.SMA: 40, Education.HIGHER: 12,
                 Education.NONE: 3, Education.UNKNOWN: 10}  # fmt: skip
MARITAL_MIX = {MaritalStatus.MARRIED: 55, MaritalStatus.SINGLE: 25, MaritalStatus.DIVORCED: 15,
               MaritalStatus.WIDOWED: 5}  # fmt: skip
PERPETRATOR_AGES = {"18-25": 15, "26-40": 45, "41-60": 35, "61+": 5}
YOUNG_PERPETRATOR_AGES = {"12-17": 45, "18-25": 45, "26-40": 10}  # a child's boyfriend or friend
# About 1 in 100 perpetrators is public staff: the case is restricted at once.
EMPLOYER_MIX = {PublicEmployer.CIVIL_SERVANT: 40, PublicEmployer.PPSU: 30,
                PublicEmployer.CITY_STAFF: 20, PublicEmployer.CONTRACT: 10}  # fmt: skip
AGENCIES = ["Kantor Kelurahan", "Kantor Kecamatan", "Suku Dinas Sosial", "Suku Dinas Pendidikan"]
ACCOMMODATION_FOR = {
    "seeing": Accommodation.COMPANION,
    "hearing": Accommodation.SIGN_LANGUAGE,
    "walking": Accommodation.WHEELCHAIR,
    "remembering": Accommodation.EASY_READ,
    "self_care": Accommodation.COMPANION,
    "communicating": Accommodation.SIGN_LANGUAGE,
}
# Narratives are encrypted like real ones; they say nothing, but have a realistic length.
NARRATIVES = [
    "Penyintas datang didampingi keluarga dan menceritakan kejadian yang dialaminya.",
    "Laporan diterima melalui Jakarta Siaga 112 dan ditindaklanjuti oleh tim penjangkauan.",
    "Penyintas melapor melalui pos pengaduan; kejadian berulang dalam beberapa bulan terakhir.",
    "Rujukan dari puskesmas setelah pemeriksaan; penyintas membutuhkan pendampingan lanjutan.",
]
# About 9 in 10 survivors agree to be counted in the statistics (GBVIMS consent); a child's
# consent is given by a parent or guardian, with the child's own view recorded.
STATISTICS_CONSENT = 0.9
CONSENT_METHODS = {"spoken": 60, "signed": 40}
CONSENT_CATEGORIES = ["demographics", "incident"]
CHILD_VIEWS = [
    "Anak memahami penjelasan pendamping dan setuju.",
    "Anak setuju setelah dijelaskan dengan bahasa sederhana.",
]
