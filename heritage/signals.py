"""Keep the stored consensus current whichever way a change arrives.

Explicit service calls cover the curator actions, but admin forms, import/export
rows and shell edits save models directly; these receivers route every such save,
delete and relation change to ``services.refresh_consensus`` inside the same
transaction, or, when a change touches more monuments than
``settings.CONSENSUS_INLINE_LIMIT`` (an outlet's reliability), to a background job
(``services.refresh_or_queue``). Raw saves (``loaddata``) are skipped here: the command refreshes
everything it created in one batch. ``QuerySet.update()`` sends no signal: code that
bulk-updates evidence must call ``refresh_consensus`` itself.
"""

from django.apps import apps
from django.apps import apps as global_apps
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from heritage import roles, services
from heritage.history import is_historical
from heritage.models import (
    Alias,
    Composition,
    DamageReport,
    Monument,
    Outlet,
    Source,
    StatusOverride,
    add_unknown_statuses,
)


@receiver(post_save, sender=DamageReport)
def report_saved(sender, instance: DamageReport, raw: bool, **kwargs) -> None:
    if raw:
        return
    ids = {instance.monument_id}
    previous = getattr(instance, "_loaded_monument_id", None)
    if previous is not None:
        ids.add(previous)
    instance._loaded_monument_id = instance.monument_id
    services.refresh_consensus(monument_ids=ids)


@receiver(post_delete, sender=DamageReport)
def report_deleted(sender, instance: DamageReport, **kwargs) -> None:
    services.refresh_consensus(monument_ids={instance.monument_id})


@receiver(post_save, sender=Source)
def source_saved(sender, instance: Source, raw: bool, **kwargs) -> None:
    if not raw:
        services.refresh_consensus(monument_ids=services.monuments_of_sources([instance.pk]))


@receiver(pre_delete, sender=Source)
def source_deleting(sender, instance: Source, **kwargs) -> None:
    # Reports protect their source, so a deletable source has none; its copy links
    # may still group other sources' claims.
    related = [instance.pk, *instance.copied_by.values_list("pk", flat=True)]
    instance._affected_monuments = services.monuments_of_sources(related)


@receiver(post_delete, sender=Source)
def source_deleted(sender, instance: Source, **kwargs) -> None:
    services.refresh_consensus(monument_ids=getattr(instance, "_affected_monuments", set()))


@receiver(m2m_changed, sender=Source.wire_credits.through)
@receiver(m2m_changed, sender=Source.copies_passages_from.through)
def source_links_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Source):
        source_ids = {instance.pk}
        if sender is Source.copies_passages_from.through:
            source_ids |= set(pk_set or ())
    else:  # changed from the outlet's side
        source_ids = set(pk_set or ())
    instance._consensus_job = services.refresh_or_queue(
        monument_ids=services.monuments_of_sources(source_ids),
        reason=f"credits or copy links of {instance} changed",
    )


@receiver(post_save, sender=Outlet)
def outlet_saved(sender, instance: Outlet, raw: bool, **kwargs) -> None:
    if not raw:
        # An agency's reliability weighs in thousands of monuments: a background job.
        instance._consensus_job = services.refresh_or_queue(
            monument_ids=services.monuments_of_outlets([instance.pk]),
            reason=f"outlet {instance.slug} changed",
        )


@receiver(post_save, sender=StatusOverride)
@receiver(post_delete, sender=StatusOverride)
def override_changed(sender, instance: StatusOverride, raw: bool = False, **kwargs) -> None:
    if not raw:
        services.refresh_consensus(monument_ids={instance.monument_id})


@receiver(pre_save, sender=Monument)
def monument_saving(sender, instance: Monument, raw: bool, **kwargs) -> None:
    """Remember the group the monument belonged to, its composition and its own number
    of members: a member that leaves changes its former group's status too."""
    if raw or instance.pk is None:
        return
    instance._group_before = (
        Monument.objects.filter(pk=instance.pk)
        .values_list("part_of_id", "member_count", "member_count_approximate", "composition")
        .first()
    )


@receiver(post_save, sender=Monument)
def monument_saved(sender, instance: Monument, raw: bool, created: bool, **kwargs) -> None:
    if created:
        add_unknown_statuses([instance.pk], using=kwargs.get("using"))
    if not raw:
        services.update_search_text(monument_ids={instance.pk})
        before = getattr(instance, "_group_before", None) or (
            None,
            None,
            False,
            Composition.WHOLE,
        )
        now = (
            instance.part_of_id,
            instance.member_count,
            instance.member_count_approximate,
            instance.composition,
        )
        if before != now or instance.part_of_id is not None or instance.member_count is not None:
            # Its group (former and present), its composition, its number of members or
            # its membership may have changed.
            ids = {instance.pk} | ({before[0]} if before[0] is not None else set())
            services.refresh_consensus(monument_ids=ids)


@receiver(post_save, sender=Alias)
@receiver(post_delete, sender=Alias)
def alias_changed(sender, instance: Alias, raw: bool = False, **kwargs) -> None:
    if not raw:
        services.update_search_text(monument_ids={instance.monument_id})


def registry_changed(sender, raw: bool = False, action: str = "post_", **kwargs) -> None:
    """Any write to a registry record moves the revision (raw loads bump once at the end)."""
    if raw or not action.startswith("post_"):
        return
    if getattr(kwargs.get("instance"), "skip_history_when_saving", False):
        # A fixture load's many-to-many links: the load bumps once, at its end, so that
        # it does not hold the revision row (and every other writer) for its duration.
        return
    services.bump_revision()


def connect_revision_receivers() -> None:
    for model in apps.get_app_config("heritage").get_models():
        # History rows are written by every save of a tracked record, which bumps the
        # revision already; they are a record of changes, not a change.
        if getattr(model, "not_serialized", False) or is_historical(model):
            continue
        post_save.connect(registry_changed, sender=model, dispatch_uid=f"rev-save-{model}")
        post_delete.connect(registry_changed, sender=model, dispatch_uid=f"rev-del-{model}")
        for m2m in model._meta.local_many_to_many:
            m2m_changed.connect(
                registry_changed, sender=m2m.remote_field.through, dispatch_uid=f"rev-m2m-{m2m}"
            )


connect_revision_receivers()


@receiver(post_migrate)
def roles_after_migrate(sender, app_config, using: str, apps=None, **kwargs) -> None:
    """Keep the curators' groups complete after migrate and flush (which empties them)."""
    if app_config.label == "heritage":
        roles.ensure_roles(apps=apps or global_apps, using=using)
