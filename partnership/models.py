"""Partnership bodies: boards, review groups, task groups. Later issues add their business."""

from django.db import models


class BodyKind(models.TextChoices):
    BOARD = "board", "Partnership board"
    REVIEW_GROUP = "review_group", "Categorisation and review group"
    TASK_GROUP = "task_group", "Task group"
    WORKING_GROUP = "working_group", "Working group"


class Body(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=BodyKind.choices)
    authority = models.ForeignKey("register.LocalAuthority", on_delete=models.PROTECT, related_name="bodies")
    schools = models.ManyToManyField(
        "register.School", blank=True, related_name="bodies", help_text="The schools whose business this body covers."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self):
        return self.name
