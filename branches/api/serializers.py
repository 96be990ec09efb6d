from rest_framework import serializers

from branches.models import Branch


class BranchSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="village.code", read_only=True)
    village = serializers.CharField(source="village.name", read_only=True)
    kind = serializers.CharField(source="village.kind", read_only=True)
    township = serializers.CharField(source="village.township.code", read_only=True)
    secretary = serializers.SerializerMethodField()

    class Meta:
        model = Branch
        fields = [
            "code", "village", "kind", "township", "name", "secretary", "members", "weak_lax",
            "weak_lax_since", "weak_lax_reason", "first_secretary", "first_secretary_unit",
            "first_secretary_from", "first_secretary_until",
        ]  # fmt: skip

    def get_secretary(self, branch: Branch) -> dict[str, str] | None:
        if branch.secretary is None:
            return None
        return {"name": branch.secretary.name, "phone": branch.secretary.phone}
