import factory

from accounts.models import RoleAssignment, User
from partnership.models import Body, BodyKind
from register.models import Group, GroupKind, GroupMembership, LocalAuthority, School


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 800 + n % 199)
    name = factory.Sequence(lambda n: f"Authority {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 900000 + n)
    la = factory.SubFactory(LocalAuthorityFactory)
    establishment_number = factory.Sequence(lambda n: 2000 + n)
    laestab = factory.LazyAttribute(lambda o: o.la.code * 10000 + o.establishment_number)
    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    type_name = "Community school"
    type_group = "Local authority maintained schools"
    phase = "Primary"
    low_age = 4
    high_age = 11
    pupils = 200
    capacity = 210
    postcode = "GU1 1AA"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    uid = factory.Sequence(lambda n: 10000 + n)
    group_id = factory.Sequence(lambda n: f"TR{n:05d}")
    name = factory.Sequence(lambda n: f"Test Academy Trust {n}")
    kind = GroupKind.MULTI_ACADEMY_TRUST
    status = "Open"


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    school = factory.SubFactory(SchoolFactory)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Review group {n}")
    kind = BodyKind.REVIEW_GROUP
    authority = factory.SubFactory(LocalAuthorityFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user, role, target):
    """Give `user` the role `role` tied to `target` (an authority, school, group or body)."""
    field = {LocalAuthority: "authority", School: "school", Group: "group", Body: "body"}[type(target)]
    assignment = RoleAssignment.objects.create(user=user, role=role, **{field: target})
    if hasattr(user, "_cg_scope"):
        del user._cg_scope
    return assignment
