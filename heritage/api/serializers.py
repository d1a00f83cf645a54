"""Read-only representations of monuments and their consensus."""

from __future__ import annotations

import datetime

from rest_framework import serializers

from heritage import consensus as engine
from heritage.models import DamageReport, Monument, MonumentConsensus
from heritage.services import claim_ref


def consensus_summary(
    stored: MonumentConsensus | None,
    computed: engine.Consensus | None = None,
    *,
    as_of: datetime.date,
) -> dict:
    """The consensus object of the API, from the stored row or a computed result."""
    if computed is not None:
        return {
            "state": computed.state,
            "confidence": computed.confidence,
            "independent_origins": computed.independent_origins,
            "contested": computed.contested,
            "single_origin": computed.single_origin,
            "overridden": computed.overridden,
            "as_of": as_of.isoformat(),
        }
    if stored is None:  # a monument created outside the services has no row yet
        return {
            "state": engine.UNKNOWN,
            "confidence": 0.0,
            "independent_origins": 0,
            "contested": False,
            "single_origin": False,
            "overridden": False,
            "as_of": as_of.isoformat(),
        }
    return {
        "state": stored.state,
        "confidence": stored.confidence,
        "independent_origins": stored.independent_origins,
        "contested": stored.contested,
        "single_origin": stored.single_origin,
        "overridden": stored.overridden,
        "as_of": as_of.isoformat(),
    }


class MonumentSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    part_of = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    consensus = serializers.SerializerMethodField()

    class Meta:
        model = Monument
        fields = [
            "slug",
            "name",
            "kind",
            "site",
            "part_of",
            "latitude",
            "longitude",
            "location_precision_m",
            "consensus",
        ]

    def get_consensus(self, monument: Monument) -> dict:
        computed = self.context.get("computed", {}).get(monument.pk)
        stored = getattr(monument, "consensus", None) if computed is None else None
        return consensus_summary(stored, computed, as_of=self.context["as_of"])


def claim_evidence(report: DamageReport, verdict: dict) -> dict:
    source = report.source
    return {
        "claim": claim_ref(source.key, report.key),
        "source": source.key,
        "key": report.key,
        "state": report.state,
        "excerpt": report.excerpt,
        "attributed_to": report.attributed_to,
        "evidence": report.evidence,
        "observed_from": report.observed_from,
        "observed_to": report.observed_to,
        "inferred": report.inferred,
        "rank": report.rank,
        "weight": verdict["weight"],
        "role": verdict["role"],
        "origin": verdict["origin"],
        "reasons": verdict["reasons"],
        "source_title": source.title,
        "source_outlet": source.outlet.name if source.outlet else None,
        "source_published_on": source.published_on,
    }


class MonumentDetailSerializer(MonumentSerializer):
    aliases = serializers.SerializerMethodField()

    class Meta(MonumentSerializer.Meta):
        fields = [*MonumentSerializer.Meta.fields, "description", "aliases"]

    def get_aliases(self, monument: Monument) -> list[dict]:
        return [{"name": a.name, "language": a.language} for a in monument.aliases.all()]

    def get_consensus(self, monument: Monument) -> dict:
        summary = super().get_consensus(monument)
        computed = self.context.get("computed", {}).get(monument.pk)
        if computed is not None:
            verdicts = [
                {
                    "claim": v.claim_id,
                    "origin": v.origin,
                    "weight": v.weight,
                    "role": v.role,
                    "reasons": list(v.reasons),
                }
                for v in computed.verdicts
            ]
        else:
            stored = getattr(monument, "consensus", None)
            verdicts = stored.explanation if stored else []
        reports = {claim_ref(r.source.key, r.key): r for r in self.context["reports"]}
        summary["override_reason"] = (
            (
                computed.override_reason
                if computed is not None
                else getattr(getattr(monument, "status_override", None), "reason", "")
            )
            if summary["overridden"]
            else ""
        )
        sides: dict[str, list[dict]] = {"supporting": [], "disputing": [], "set_aside": []}
        for verdict in verdicts:
            report = reports.get(verdict["claim"])
            if report is None:
                continue
            if verdict["role"] in ("superseded", "discounted"):
                side = "set_aside"
            elif report.state == summary["state"]:
                side = "supporting"
            else:
                side = "disputing"
            sides[side].append(claim_evidence(report, verdict))
        summary.update(sides)
        return summary
