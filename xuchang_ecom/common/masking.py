"""Masking of personal data for everyone without the permission to see it in full."""

#: What the masks put in place of the hidden characters; a cell containing it is a masked
#: value coming back, never a value to store.
MASK_CHARACTER = "*"


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``: the family name stays so staff can still tell people apart."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + MASK_CHARACTER * max(len(value) - 1, 1)


def mask_mobile(value: str) -> str:
    """``13812345678`` → ``138****5678``; anything shorter than 7 characters is fully masked."""
    value = "".join((value or "").split())
    if not value:
        return ""
    if len(value) < 7:
        return MASK_CHARACTER * len(value)
    return value[:3] + MASK_CHARACTER * (len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    """``zhang.san@example.org`` → ``z*******@example.org``: the domain stays, the mailbox
    keeps its first character; text without ``@`` is fully masked."""
    value = (value or "").strip()
    if not value:
        return ""
    mailbox, at, domain = value.rpartition("@")
    if not at or not mailbox:
        return MASK_CHARACTER * len(value)
    return mailbox[0] + MASK_CHARACTER * max(len(mailbox) - 1, 1) + "@" + domain
