from rest_framework import serializers

from catalogues.models import Catalogue, Criterion, Star


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


# Scoring ------------------------------------------------------------------------------------


class ScoreInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="criterion code → true/false (bool) or a number (number, percent 0–100); "
        "null or absent means unanswered",
    )


class StarResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    score = serializers.FloatField()
    earned = serializers.BooleanField()
    unmet_hard = serializers.ListField(child=serializers.CharField())
    vetoed_by = serializers.ListField(child=serializers.CharField())
    points_short = serializers.FloatField()
    missing_base = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())


class SuggestionSerializer(serializers.Serializer):
    star = serializers.CharField()
    possible = serializers.BooleanField()
    criteria = serializers.ListField(child=serializers.CharField())
    needs_base = serializers.BooleanField()


class ScoreResultSerializer(serializers.Serializer):
    catalogue = serializers.CharField()
    level = serializers.IntegerField(min_value=0, max_value=5)
    stars = StarResultSerializer(many=True)
    suggestions = SuggestionSerializer(
        many=True,
        help_text="for each star not earned, the fewest unmet criteria that would earn it",
    )
