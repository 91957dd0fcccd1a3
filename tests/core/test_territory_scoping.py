"""Every row of the domain belongs to one territory: this test fails for any model of ours
that neither inherits the scoping nor is listed below with the reason why."""

from django.apps import apps

from tranquillite.core.models import TerritoryScopedModel

NOT_SCOPED_ON_PURPOSE = {
    "core.territory": "the territory itself",
    "accounts.user": "a person may work for several territories; scoped by memberships",
    "audit.accesslogentry": "sign-in events precede any territory; record reads carry one",
}


def our_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("tranquillite.") and not model._meta.proxy
    ]


def test_every_domain_model_is_territory_scoped():
    unscoped = [
        model._meta.label_lower
        for model in our_models()
        if not issubclass(model, TerritoryScopedModel)
        and model._meta.label_lower not in NOT_SCOPED_ON_PURPOSE
    ]
    assert unscoped == [], f"Models without territory scoping: {unscoped}"


def test_scoped_models_have_a_non_null_territory_and_visible_to():
    for model in our_models():
        if issubclass(model, TerritoryScopedModel):
            field = model._meta.get_field("territory")
            assert not field.null, model
            assert hasattr(model.objects, "visible_to"), model


def test_the_exception_list_names_only_existing_models():
    labels = {model._meta.label_lower for model in our_models()}
    assert set(NOT_SCOPED_ON_PURPOSE) <= labels
