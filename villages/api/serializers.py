from rest_framework import serializers

from villages.models import County, Township, Village


class CountySerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.code", read_only=True)

    class Meta:
        model = County
        fields = ["code", "name", "city"]


class TownshipSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = Township
        fields = ["code", "name", "county"]


class VillageSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township.code", read_only=True)

    class Meta:
        model = Village
        fields = ["code", "name", "kind", "township"]
