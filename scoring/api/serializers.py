from rest_framework import serializers

from scoring.models import Catalogue, Criterion, Star


class CatalogueSerializer(serializers.ModelSerializer):
    base_star = serializers.CharField(source="base_star.code", allow_null=True, read_only=True)

    class Meta:
        model = Catalogue
        fields = ["code", "name", "branch_kind", "year", "pass_mark", "base_star"]


class StarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Star
        fields = ["code", "name", "order"]


class CriterionSerializer(serializers.ModelSerializer):
    star = serializers.CharField(source="star.code", read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "code",
            "star",
            "text",
            "kind",
            "points",
            "threshold",
            "direction",
            "hard",
            "veto",
        ]


class CatalogueDetailSerializer(CatalogueSerializer):
    stars = StarSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta(CatalogueSerializer.Meta):
        fields = [*CatalogueSerializer.Meta.fields, "stars", "criteria"]
