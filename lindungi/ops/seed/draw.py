"""Drawing helpers shared by the case, people and incident makers."""

from bisect import bisect
from functools import cache
from itertools import accumulate

from django.db.models.base import ModelState

_CUMULATIVE: dict = {}


def pick(rng, weights):
    """One key of ``weights``, drawn in proportion to its weight: what
    ``rng.choices(keys, weights)`` draws, with the running totals worked out once per mix
    (they were a fifth of the drawing time)."""
    entry = _CUMULATIVE.get(id(weights))
    if entry is None or entry[0] is not weights:
        entry = (weights, list(weights), list(accumulate(weights.values())))
        _CUMULATIVE[id(weights)] = entry
    _mix, keys, totals = entry
    return keys[bisect(totals, rng.random() * totals[-1], 0, len(totals) - 1)]


def between(rng, bounds):
    low, high = bounds
    return rng.randint(low, high)


@cache
def _shape(model):
    """What ``_build`` needs of ``model``: fixed defaults, drawn ones, relation attributes."""
    fields = model._meta.concrete_fields
    drawn = {f.attname: f.default for f in fields if f.has_default() and callable(f.default)}
    fixed = {f.attname: f.get_default() for f in fields if f.attname not in drawn}
    relations = {f.name: f.attname for f in fields if f.is_relation}
    return fixed, drawn, relations


def build(model, **values):
    """What ``model(**values)`` makes, without ``Model.__init__`` (a third of the time of
    drawing a case: it resolves every keyword against every field). A related object given
    under its field's name sets the id and the cache, as the field's descriptor would; no
    model here has ``pre_init`` or ``post_init`` receivers."""
    fixed, drawn, relations = _shape(model)
    obj = model.__new__(model)
    obj._state = ModelState()
    attributes = obj.__dict__
    attributes.update(fixed)
    for name, value in values.items():
        attname = relations.get(name, name)
        if attname != name:
            attributes[attname] = None if value is None else value.pk
            obj._state.fields_cache[name] = value
        else:
            attributes[name] = value
    for attname, default in drawn.items():
        if attname not in values:
            attributes[attname] = default()
    return obj


def fields_of(data):
    """Field names as the actions put them in a timeline event: sorted, ids as names."""
    return sorted(name.removesuffix("_id") for name in data)
