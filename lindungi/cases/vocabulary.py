"""The classifications a case is coded in (docs/glossary.md): GBVIMS, SIMFONI-PPA, UU TPKS.

Values are stable codes for storage and exchange; labels are translatable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Not known")


class GbvType(models.TextChoices):
    """GBVIMS core types, in the order their questions are asked: the first yes decides."""

    RAPE = "rape", _("Rape")
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    PHYSICAL_ASSAULT = "physical_assault", _("Physical assault")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    DENIAL_OF_RESOURCES = "denial_of_resources", _("Denial of resources, opportunities or services")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological / emotional abuse")
    NON_GBV = "non_gbv", _("Non-GBV")


class ViolenceType(models.TextChoices):
    """SIMFONI-PPA violence types; several may apply to one incident."""

    FISIK = "fisik", _("Physical")
    PSIKIS = "psikis", _("Psychological")
    SEKSUAL = "seksual", _("Sexual")
    EKSPLOITASI = "eksploitasi", _("Exploitation")
    TRAFFICKING = "trafficking", _("Trafficking")
    PENELANTARAN = "penelantaran", _("Neglect")
    LAINNYA = "lainnya", _("Other")


class TpksForm(models.TextChoices):
    """UU 12/2022 (TPKS) forms of sexual violence: Pasal 4(1), then Pasal 4(2)."""

    NON_PHYSICAL_HARASSMENT = "non_physical_harassment", _("Non-physical sexual harassment")
    PHYSICAL_HARASSMENT = "physical_harassment", _("Physical sexual harassment")
    FORCED_CONTRACEPTION = "forced_contraception", _("Forced contraception")
    FORCED_STERILISATION = "forced_sterilisation", _("Forced sterilisation")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    SEXUAL_TORTURE = "sexual_torture", _("Sexual torture")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    SEXUAL_SLAVERY = "sexual_slavery", _("Sexual slavery")
    ELECTRONIC = "electronic", _("Electronic-based sexual violence")
    RAPE = "rape", _("Rape")
    OBSCENE_ACTS = "obscene_acts", _("Obscene acts")
    ACTS_AGAINST_CHILD = "acts_against_child", _("Sexual acts against a child")
    PORNOGRAPHY = "pornography", _("Child or violent pornography")
    FORCED_PROSTITUTION = "forced_prostitution", _("Forced prostitution")
    TRAFFICKING = "trafficking", _("Trafficking for sexual exploitation")
    HOUSEHOLD = "household", _("Sexual violence in the household")


class PlaceType(models.TextChoices):
    """SIMFONI-PPA place of occurrence."""

    RUMAH_TANGGA = "rumah_tangga", _("Household")
    TEMPAT_KERJA = "tempat_kerja", _("Workplace")
    SEKOLAH = "sekolah", _("School")
    LEMBAGA_PENDIDIKAN_KILAT = "lembaga_pendidikan_kilat", _("Short-course institution")
    FASILITAS_UMUM = "fasilitas_umum", _("Public facility")
    LAINNYA = "lainnya", _("Other")


class Relationship(models.TextChoices):
    """The perpetrator's relationship to the survivor: SIMFONI-PPA's list, with its
    "pacar/teman" told apart (a boyfriend is a partner, a friend is not) and former partners
    added, so that intimate partner violence follows from the relationship alone.
    ``SIMFONI_RELATIONSHIP`` gives the national list back."""

    ORANG_TUA = "orang_tua", _("Parent")
    KELUARGA = "keluarga", _("Family / relative")
    SUAMI_ISTRI = "suami_istri", _("Husband / wife")
    PACAR = "pacar", _("Boyfriend / girlfriend")
    MANTAN_PASANGAN = "mantan_pasangan", _("Former husband, wife, boyfriend or girlfriend")
    TEMAN = "teman", _("Friend")
    TETANGGA = "tetangga", _("Neighbour")
    GURU = "guru", _("Teacher")
    MAJIKAN = "majikan", _("Employer")
    REKAN_KERJA = "rekan_kerja", _("Co-worker")
    LAINNYA = "lainnya", _("Other")
    TIDAK_DIKETAHUI = "tidak_diketahui", _("Not known")


# Current and former partners: violence by any of them is intimate partner violence.
INTIMATE_PARTNERS = frozenset(
    {Relationship.SUAMI_ISTRI, Relationship.PACAR, Relationship.MANTAN_PASANGAN}
)

# SIMFONI-PPA counts a boyfriend and a friend as one ("pacar/teman") and has no former
# partner. A former partner counts there too: not as "suami/istri", which the national
# figures read as violence within a marriage (UU PKDRT), and not as "lainnya", where
# partner violence would vanish from them.
SIMFONI_PACAR_TEMAN = "pacar_teman"
SIMFONI_RELATIONSHIP = {
    **{relationship: relationship.value for relationship in Relationship},
    Relationship.PACAR: SIMFONI_PACAR_TEMAN,
    Relationship.TEMAN: SIMFONI_PACAR_TEMAN,
    Relationship.MANTAN_PASANGAN: SIMFONI_PACAR_TEMAN,
}


class PerpetratorAgeGroup(models.TextChoices):
    """GBVIMS perpetrator age groups."""

    AGE_0_11 = "0-11", _("0–11")
    AGE_12_17 = "12-17", _("12–17")
    AGE_18_25 = "18-25", _("18–25")
    AGE_26_40 = "26-40", _("26–40")
    AGE_41_60 = "41-60", _("41–60")
    AGE_61_PLUS = "61+", _("61 and over")
    UNKNOWN = "unknown", _("Not known")


class ReportingDelay(models.TextChoices):
    """Time from incident to report, in the GBVIMS bands."""

    DAYS_0_3 = "0-3d", _("0–3 days")
    DAYS_4_5 = "4-5d", _("4–5 days")
    DAYS_6_14 = "6-14d", _("6–14 days")
    WEEKS_2_MONTH_1 = "2w-1m", _("2 weeks – 1 month")
    OVER_MONTH = ">1m", _("More than 1 month")


class Difficulty(models.TextChoices):
    """Washington Group short-set answers."""

    NONE = "none", _("No difficulty")
    SOME = "some", _("Some difficulty")
    A_LOT = "a_lot", _("A lot of difficulty")
    CANNOT = "cannot", _("Cannot do at all")


# The six Washington Group short-set domains, in their standard order.
WG_DOMAINS = [
    ("seeing", _("Seeing, even if wearing glasses")),
    ("hearing", _("Hearing, even if using a hearing aid")),
    ("walking", _("Walking or climbing steps")),
    ("remembering", _("Remembering or concentrating")),
    ("self_care", _("Self-care, such as washing all over or dressing")),
    ("communicating", _("Communicating, for example understanding or being understood")),
]


class Accommodation(models.TextChoices):
    SIGN_LANGUAGE = "sign_language", _("Sign language interpreter")
    WHEELCHAIR = "wheelchair", _("Wheelchair access")
    EASY_READ = "easy_read", _("Easy-read materials")
    COMPANION = "companion", _("Companion")
    OTHER = "other", _("Other")


class VulnerableGroup(models.TextChoices):
    CHILD = "child", _("Child")
    OLDER_PERSON = "older_person", _("Older person")
    DISABILITY = "disability", _("Person with a disability")
    WOMAN = "woman", _("Woman")


class ContextFlag(models.TextChoices):
    CHILD_SEXUAL_ABUSE = "child_sexual_abuse", _("Child sexual abuse")
    EARLY_MARRIAGE = "early_marriage", _("Early marriage")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Possible sexual exploitation")
    SEXUAL_SLAVERY = "sexual_slavery", _("Possible sexual slavery")
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner violence")
    HARMFUL_PRACTICE = "harmful_practice", _("Harmful traditional practice")


class SimfoniAgeBand(models.TextChoices):
    AGE_0_5 = "0-5", _("0–5")
    AGE_6_12 = "6-12", _("6–12")
    AGE_13_17 = "13-17", _("13–17")
    AGE_18_24 = "18-24", _("18–24")
    AGE_25_44 = "25-44", _("25–44")
    AGE_45_59 = "45-59", _("45–59")
    AGE_60_PLUS = "60+", _("60 and over")


class ServiceType(models.TextChoices):
    """SIMFONI-PPA service types, then the centre's own: what the service plan plans and
    what a referral or a consent to one is for."""

    HEALTH = "health", _("Health")
    LEGAL_AID = "legal_aid", _("Legal aid")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SOCIAL_REHABILITATION = "social_rehabilitation", _("Social rehabilitation")
    SOCIAL_REINTEGRATION = "social_reintegration", _("Social reintegration")
    REPATRIATION = "repatriation", _("Repatriation")
    RELIGIOUS_COUNSELLING = "religious_counselling", _("Religious counselling")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    SHELTER = "shelter", _("Shelter")
    MEDIATION = "mediation", _("Mediation")
    ECONOMIC = "economic", _("Economic empowerment")
