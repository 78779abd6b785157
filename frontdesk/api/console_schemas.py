"""Request and response bodies of the agent console's routes: agents, sign-in, canned
replies and internal notes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.domain.agents import Agent, CannedReply, TicketNote


class AgentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    email: str = Field(min_length=3, max_length=254)
    password: str | None = Field(
        None, description="12-256 characters; leave out for an agent who signs in by key only."
    )


class AgentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=100)
    password: str | None = None
    disabled: bool | None = Field(None, description="true revokes every key of the agent.")


class AgentPublic(BaseModel):
    id: str
    name: str
    email: str
    has_password: bool
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, agent: Agent) -> AgentPublic:
        return cls(
            id=agent.id,
            name=agent.name,
            email=agent.email,
            has_password=agent.has_password,
            active=agent.active,
            created_at=agent.created_at,
        )


class AgentKey(BaseModel):
    key: str = Field(description="Shown once; it acts as the agent (role agent).")
    agent: AgentPublic


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: str = Field(min_length=1, max_length=63)
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent_id: str | None = Field(
        None, max_length=32, description="Give the ticket to this agent; empty: to the caller."
    )


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class NotePublic(BaseModel):
    id: str
    ticket_id: str
    author_id: str
    author_name: str
    text: str
    created_at: datetime

    @classmethod
    def of(cls, note: TicketNote) -> NotePublic:
        return cls(
            id=note.id,
            ticket_id=note.ticket_id,
            author_id=note.author_id,
            author_name=note.author_name,
            text=note.text,
            created_at=note.created_at,
        )


class CannedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=100)
    body: str = Field(
        min_length=1,
        max_length=8000,
        description="May use {{customer_name}}, {{agent_name}} and {{ticket_id}}.",
    )


class CannedUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=100)
    body: str | None = Field(None, min_length=1, max_length=8000)


class CannedPublic(BaseModel):
    id: str
    title: str
    body: str
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, reply: CannedReply) -> CannedPublic:
        return cls(
            id=reply.id,
            title=reply.title,
            body=reply.body,
            created_by=reply.created_by,
            created_at=reply.created_at,
            updated_at=reply.updated_at,
        )


class Rendered(BaseModel):
    text: str
