"""The incident and perpetrator of a seeded case, classified as the actions classify."""

from datetime import timedelta

from django.utils import timezone

from lindungi.cases import classification
from lindungi.cases.models import Incident, Perpetrator, Priority
from lindungi.cases.timeline import EventKind
from lindungi.cases.vocabulary import (
    GbvType,
    PerpetratorAgeGroup,
    PlaceType,
    Relationship,
    Sex,
    TpksForm,
    ViolenceType,
)
from lindungi.ops.seed.draw import between, build, fields_of, pick
from lindungi.ops.seed.mix import (
    AGENCIES,
    DELAY_MIX,
    EMPLOYER_MIX,
    MAN_OCCUPATIONS,
    NARRATIVES,
    PERPETRATOR_AGES,
    PLACE_MIX,
    SEXUAL_ASSAULT_FORMS,
    TIME_OF_DAY_MIX,
    YOUNG_PERPETRATOR_AGES,
)


class Incidents:
    """Draws incidents and perpetrators; ``CaseMaker`` brings ``rng``, ``tz`` and ``_name``."""

    def _add_incident(self, batch, case, survivor, who, village, at, actor, events):
        """The incident and its perpetrator, classified as ``classify`` would, recorded a
        little after ``at``; returns the perpetrator and that time."""
        incident, incident_data = self._incident(
            case, survivor, who.age, who.gbv, who.group, village
        )
        perpetrator, perpetrator_data = self._perpetrator(incident, who.relationship, who.child)
        _classify(incident, survivor, perpetrator)
        batch.incidents.append(incident)
        batch.perpetrators.append(perpetrator)
        at += timedelta(minutes=self.rng.randint(5, 60))
        events.append((EventKind.INCIDENT_ADDED, at, actor, {"fields": fields_of(incident_data)}))
        events.append(
            (EventKind.PERPETRATOR_ADDED, at, actor, {"fields": fields_of(perpetrator_data)})
        )
        if who.gbv == GbvType.RAPE and incident.reporting_delay == "0-3d":
            case.priority = Priority.HIGH  # post-exposure care within 72 hours
        return perpetrator, at

    def _incident(self, case, survivor, age, gbv, group, village):
        rng = self.rng
        reported_on = timezone.localdate(case.opened_at, self.tz)  # what add_incident fills in
        delay = between(rng, pick(rng, DELAY_MIX))
        if group == "woman" and delay > 30:
            delay = rng.randint(31, 400)
        delay = min(delay, max(age - 1, 0) * 365)  # not before the survivor was born
        data = {
            "survivor": survivor,
            "reported_on": reported_on,
            "place_type": pick(rng, PLACE_MIX),
            "kelurahan_id": self._village(near=village),
            "time_of_day": pick(rng, TIME_OF_DAY_MIX),
            "description": rng.choice(NARRATIVES),
        }
        if rng.random() < 0.98:  # a few survivors cannot say when it happened
            data["occurred_on"] = reported_on - timedelta(days=delay)
            if delay > 30 and rng.random() < 0.4:
                data["date_is_estimate"] = True
        # The questions as the form asks them: every "no" up to the first "yes".
        answers = {}
        for asked, _question in classification.GBV_QUESTIONS:
            answers[asked] = asked == gbv
            if asked == gbv:
                break
        data["gbv_answers"] = answers
        violence, forms = self._codings(gbv, group, data["place_type"], data)
        data["violence_types"] = violence
        if forms:
            data["tpks_forms"] = forms
        if rng.random() < 0.03:
            data["reported_elsewhere"] = True
        return build(Incident, case=case, **data), data

    def _codings(self, gbv, group, place, data):
        """SIMFONI violence types and UU TPKS forms that go with the core type."""
        rng = self.rng
        sexual = gbv in classification.SEXUAL_TYPES
        violence = {
            GbvType.RAPE: {ViolenceType.SEKSUAL},
            GbvType.SEXUAL_ASSAULT: {ViolenceType.SEKSUAL},
            GbvType.PHYSICAL_ASSAULT: {ViolenceType.FISIK},
            GbvType.FORCED_MARRIAGE: {ViolenceType.PSIKIS, ViolenceType.LAINNYA},
            GbvType.DENIAL_OF_RESOURCES: {ViolenceType.PENELANTARAN},
            GbvType.PSYCHOLOGICAL_ABUSE: {ViolenceType.PSIKIS},
            GbvType.NON_GBV: {ViolenceType.LAINNYA},
        }[gbv]
        if gbv != GbvType.NON_GBV and rng.random() < 0.4:
            violence.add(ViolenceType.PSIKIS)
        if sexual and rng.random() < 0.15:
            violence.add(ViolenceType.FISIK)
        forms = set()
        if sexual:
            forms.add(TpksForm.RAPE if gbv == GbvType.RAPE else pick(rng, SEXUAL_ASSAULT_FORMS))
            if group != "woman":
                forms.add(TpksForm.ACTS_AGAINST_CHILD)
            if place == PlaceType.RUMAH_TANGGA and rng.random() < 0.5:
                forms.add(TpksForm.HOUSEHOLD)
            if rng.random() < 0.05:
                data["goods_exchanged"] = True
                violence.add(ViolenceType.EKSPLOITASI)
                forms.add(TpksForm.SEXUAL_EXPLOITATION)
            if rng.random() < 0.02:
                data["abducted"] = True
                violence.add(ViolenceType.TRAFFICKING)
                forms.add(TpksForm.TRAFFICKING)
        if gbv == GbvType.FORCED_MARRIAGE and group != "woman" and rng.random() < 0.3:
            data["harmful_practice"] = True
        return sorted(violence), sorted(forms)

    def _perpetrator(self, incident, relationship, child):
        rng = self.rng
        male = 0.7 if relationship == Relationship.ORANG_TUA else 0.92
        sex = Sex.MALE if rng.random() < male else Sex.FEMALE
        data = {"relationship": relationship, "sex": sex}
        if rng.random() < 0.08:
            data["count"] = rng.randint(2, 4)
        if relationship == Relationship.TIDAK_DIKETAHUI and rng.random() < 0.6:
            data["age_group"] = PerpetratorAgeGroup.UNKNOWN
        else:
            young = child and relationship in (Relationship.PACAR, Relationship.TEMAN)
            bands = YOUNG_PERPETRATOR_AGES if young else PERPETRATOR_AGES
            data["age_group"] = PerpetratorAgeGroup(pick(rng, bands))
            data["occupation"] = pick(rng, MAN_OCCUPATIONS)
        if rng.random() < 0.4:
            data["name"] = self._name(sex)
        if rng.random() < 0.01:
            data["public_employment"] = pick(rng, EMPLOYER_MIX)
            data["employing_agency"] = rng.choice(AGENCIES)
        return build(Perpetrator, incident=incident, **data), data


def _classify(incident, survivor, perpetrator):
    """The derived fields, by the same rules as ``actions.classify``."""
    gbv = classification.gbv_type(incident.gbv_answers)
    incident.gbv_type = gbv or ""
    age = survivor.age_on(incident.occurred_on or incident.reported_on)
    incident.context_flags = sorted(
        classification.context_flags(
            gbv,
            age,
            goods_exchanged=incident.goods_exchanged,
            abducted=incident.abducted,
            intimate_partner=perpetrator.intimate_partner,
            harmful_practice=incident.harmful_practice,
        )
    )
    delay = classification.reporting_delay(incident.occurred_on, incident.reported_on)
    incident.reporting_delay = delay or ""
