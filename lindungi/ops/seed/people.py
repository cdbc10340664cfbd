"""The people of a seeded case: names, phones, NIKs and addresses as real ones look.

Names and streets come from Faker's ``id_ID`` lists, drawn from directly: Faker's templating
(a format string parsed and filled for every name and address) was a fifth of the time of
drawing a case. The draws are Faker's own: a uniform choice from each list."""

from datetime import timedelta

from faker.providers.address.id_ID import Provider as Addresses
from faker.providers.person.id_ID import Provider as Names

from lindungi.cases.models import ClientRole, Education
from lindungi.cases.vocabulary import WG_DOMAINS, Difficulty, Sex
from lindungi.ops.seed.draw import pick
from lindungi.ops.seed.mix import (
    ACCOMMODATION_FOR,
    EDUCATION_MIX,
    MAN_OCCUPATIONS,
    MOBILE_PREFIXES,
    WOMAN_OCCUPATIONS,
)

# (first names, last names) by sex.
NAMES = {
    Sex.FEMALE: (Names.first_names_female, Names.last_names_female),
    Sex.MALE: (Names.first_names_male, Names.last_names_male),
}
# "Jl. Asia Afrika", "Gang Joyoboyo": what Faker's street_name makes.
STREETS = [
    f"{prefix} {street}"
    for prefix in (*Addresses.street_prefixes_short, *Addresses.street_prefixes_long)
    for street in Addresses.streets
]


class People:
    """Draws people; ``CaseMaker`` brings ``rng``."""

    def _name(self, sex):
        choice = self.rng.choice
        first, last = NAMES[sex]
        if self.rng.random() < 0.3:
            return f"{choice(first)} {choice(first)} {choice(last)}"
        return f"{choice(first)} {choice(last)}"

    def _phone(self):
        prefix = self.rng.choice(MOBILE_PREFIXES)
        digits = "".join(str(self.rng.randint(0, 9)) for _ in range(8))
        return f"{prefix}-{digits[:4]}-{digits[4:]}"

    def _nik(self, village, birth_date, sex):
        """Kemendagri layout: province, kota, kecamatan; birth day (+40 for women), month,
        two-digit year; a serial."""
        region = "".join(village.split(".")[:3])
        day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
        serial = self.rng.randint(1, 9999)
        return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"

    def _wg(self):
        """Washington Group answers: not asked a quarter of the time; about 6% disability."""
        if self.rng.random() < 0.25:
            return {}, []
        answers = {f"wg_{domain}": Difficulty.NONE for domain, _label in WG_DOMAINS}
        domain = self.rng.choice(WG_DOMAINS)[0]
        roll = self.rng.random()
        if roll < 0.06:
            answers[f"wg_{domain}"] = self.rng.choice([Difficulty.A_LOT, Difficulty.CANNOT])
            return answers, [ACCOMMODATION_FOR[domain]]
        if roll < 0.16:
            answers[f"wg_{domain}"] = Difficulty.SOME
        return answers, []

    def _person(self, role, sex, age, on, village, **extra):
        """The data ``add_client`` would get for one person ``age`` years old on ``on``."""
        birth_date = on - timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))
        data = {"role": role, "sex": sex, "kelurahan_id": village, **extra}
        data["name"] = self._name(sex)
        if self.rng.random() < 0.85:
            data["birth_date"] = birth_date
        else:
            data["age_estimate"] = age
        if self.rng.random() < (0.85 if age >= 17 else 0.6):
            data["nik"] = self._nik(village, birth_date, sex)
        if age >= 13 and self.rng.random() < (0.9 if age >= 18 else 0.5):
            data["phone"] = self._phone()
        if self.rng.random() < 0.9:
            rt, rw = self.rng.randint(1, 15), self.rng.randint(1, 12)
            street, number = self.rng.choice(STREETS), self.rng.randint(1, 999)
            data["address_detail"] = f"{street} No. {number}, RT {rt:03d}/RW {rw:03d}"
        if age >= 18:
            occupations = WOMAN_OCCUPATIONS if sex == Sex.FEMALE else MAN_OCCUPATIONS
            data["occupation"] = pick(self.rng, occupations)
            data["education"] = pick(self.rng, EDUCATION_MIX)
        elif age >= 6:
            data["occupation"] = "Pelajar"
            data["education"] = Education.SD if age <= 12 else Education.SMP
        wg, accommodations = self._wg()
        data.update(wg)
        if accommodations:
            data["accommodations"] = accommodations
        return data

    def _kin(self, survivor, who, opened_on, village):
        """A child survivor's guardian, or a woman survivor's dependant child."""
        rng = self.rng
        if who.child:
            return self._person(
                ClientRole.GUARDIAN,
                Sex.FEMALE if rng.random() < 0.8 else Sex.MALE,
                rng.randint(max(who.age + 18, 25), max(who.age + 35, 55)),
                opened_on,
                village,
                guardian_of=survivor,
            )
        return self._person(
            ClientRole.DEPENDANT,
            rng.choice([Sex.FEMALE, Sex.MALE]),
            rng.randint(0, min(14, max(who.age - 16, 0))),
            opened_on,
            village,
        )
