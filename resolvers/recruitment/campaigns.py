"""Recruitment campaigns: open, close, list; the seats a campaign fills and the needs (vacancies)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.people import Person
from models.recruitment import Application, CampaignArea, RecruitmentCampaign
from models.tree import ServiceArea
from policy.access import Capability
from policy.eligibility import tie_break_key
from policy.kinds import NodeKind
from policy.rollup import Figures
from resolvers.batches import compute_area_rollups
from resolvers.errors import Problem, Problems
from resolvers.recruitment.common import held, not_future, worded
from resolvers.scope import node_in_scope
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

COMMUNITY_KINDS = (NodeKind.COMMUNITY, NodeKind.VILLAGE)


@dataclass(frozen=True)
class AreaFigures:
    """A service area with its roll-up (households, heads, vacancies)."""

    area: ServiceArea
    figures: Figures


@dataclass(frozen=True)
class Seat(AreaFigures):
    """A service area of a campaign with its applications, ranked."""

    applications: list[Application]


async def list_campaigns(caller: Viewer, community_id: int | None = None) -> list[RecruitmentCampaign]:
    q = RecruitmentCampaign.filter(caller.scope_q())
    if community_id is not None:
        q = q.filter(community_id=community_id)
    return await q.order_by("-id").limit(500)


async def recruitment_needs(caller: Viewer, node_id: int) -> list[AreaFigures]:
    node = await node_in_scope(caller, node_id, Capability.READ)
    areas = await ServiceArea.filter(path__startswith=node.path, closed_on__isnull=True).order_by("id")
    figures = await compute_area_rollups([(a.id, a.path) for a in areas])
    return [AreaFigures(a, figures[a.id]) for a in areas if figures[a.id].vacancies > 0]


async def campaign_seats(caller: Viewer, campaign_id: int) -> list[Seat]:
    areas = await ServiceArea.filter(campaign_areas__campaign_id=campaign_id).order_by("id")
    figures = await compute_area_rollups([(a.id, a.path) for a in areas])
    apps = await Application.filter(campaign_id=campaign_id).order_by("id")
    people = {p.id: p for p in await Person.filter(id__in=[a.person_id for a in apps])}

    def rank(a: Application):
        p = people[a.person_id]
        return tie_break_key(p.party_member, p.retired_cadre, p.model_worker, a.interview_score, a.applied_on)

    out = []
    for area in areas:
        if not caller.can_read(area.path):
            continue
        mine = sorted((a for a in apps if a.service_area_id == area.id), key=lambda a: (rank(a), a.id))
        out.append(Seat(area, figures[area.id], mine))
    return out


async def open_campaign(
    caller: Viewer, *, community_id: int, name: str, opened_on: date, notice_text: str = "",
    service_areas: list[tuple[int, str]] | None = None,
) -> RecruitmentCampaign:
    """``service_areas``: (primary key, the ID as the caller gave it) of the areas to fill, or None
    for every open area of the community with a vacancy."""
    async with unit_of_work(caller) as uow:
        community = await node_in_scope(caller, community_id, Capability.RECRUITMENT, COMMUNITY_KINDS)
        if not name.strip():
            raise Problem("REQUIRED", ["input", "name"], label="名称")
        not_future(opened_on, ["input", "openedOn"])
        if service_areas is None:
            areas = await ServiceArea.filter(path__startswith=community.path, closed_on__isnull=True).order_by("id")
            figures = await compute_area_rollups([(a.id, a.path) for a in areas])
            areas = [a for a in areas if figures[a.id].vacancies > 0]
        else:
            ids = [pk for pk, _ in service_areas]
            found = {a.id: a for a in await ServiceArea.filter(id__in=ids)}
            problems = [Problem("NOT_FOUND", ["input", "serviceAreaIds", str(i)], what=given)
                        for i, (pk, given) in enumerate(service_areas)
                        if pk not in found or not found[pk].path.startswith(community.path) or found[pk].closed_on]
            if problems:
                raise Problems(problems)
            areas = [found[pk] for pk in dict.fromkeys(ids)]  # an area named twice is one campaign area
        if not areas:
            raise Problem("NO_SERVICE_AREAS", ["input", "serviceAreaIds"])
        c = await RecruitmentCampaign.create(community_id=community.id, path=community.path, name=name.strip(),
                                             notice_text=notice_text, opened_on=opened_on, opened_by_id=caller.user_id)
        for a in areas:
            await CampaignArea.create(campaign_id=c.id, service_area_id=a.id)
        await uow.audit("recruitmentCampaignOpen", "RecruitmentCampaign", c.id, c.path, None,
                        {**snapshot(c), "service_areas": [a.id for a in areas]})
    return c


async def close_campaign(caller: Viewer, campaign_id: int, closed_on: date) -> RecruitmentCampaign:
    async with unit_of_work(caller) as uow:
        c = await held(caller, RecruitmentCampaign, campaign_id, Capability.RECRUITMENT)
        if c.closed_on is not None:
            raise Problem("CAMPAIGN_CLOSED", ["id"], **worded("RECRUITMENT_CAMPAIGN_ALREADY_CLOSED"))
        not_future(closed_on, ["closedOn"])
        c.closed_on = closed_on
        await c.save(update_fields=["closed_on"])
        await uow.audit("recruitmentCampaignClose", "RecruitmentCampaign", c.id, c.path, None, {"closed_on": closed_on})
    return c
