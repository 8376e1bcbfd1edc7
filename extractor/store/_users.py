"""Reviewer accounts and login sessions. Passwords arrive here already hashed; tokens arrive hashed too."""

from __future__ import annotations

import secrets

from ._db import Database, Row
from ._review import now

ROLES = ("reviewer", "admin")
SESSION_SECONDS = 12 * 3600


class UserStore:
    conn: Database

    def add_user(self, name: str, password_hash: str, role: str = "reviewer") -> int:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        with self.conn:
            return self.conn.insert(
                "INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                (name, password_hash, role, now()),
            )

    def user(self, name: str) -> Row | None:
        return self.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()

    def users(self) -> list[Row]:
        return self.conn.execute("SELECT id, name, role, created_at FROM users ORDER BY name").fetchall()

    def update_user(
        self, name: str, password_hash: str | None = None, role: str | None = None, keep_session: str | None = None
    ) -> bool:
        """Change a role or a password. A new password ends every session of that account (but `keep_session`,
        the token hash of the person changing their own); the last admin cannot stop being one."""
        if role is not None and role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        with self.conn:
            user = self.conn.execute("SELECT id, role FROM users WHERE name = ?", (name,)).fetchone()
            if user is None:
                return False
            # One statement: two admins demoting each other at once cannot both pass the count.
            cur = self.conn.execute(
                "UPDATE users SET password_hash = COALESCE(?, password_hash), role = COALESCE(?, role) WHERE id = ?"
                " AND (role <> 'admin' OR COALESCE(?, 'admin') = 'admin'"
                " OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1)",
                (password_hash, role, user["id"], role),
            )
            if cur.rowcount != 1:
                raise ValueError(f"{name} is the last admin: make another account admin first")
            if password_hash is not None:
                self.conn.execute(
                    "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", (user["id"], keep_session or "")
                )
        return True

    def open_session(self, user_id: int, token_hash: str) -> str:
        """Start a session; returns its CSRF token."""
        csrf = secrets.token_urlsafe(32)
        with self.conn:
            self.conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now(),))
            self.conn.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)",
                (token_hash, user_id, csrf, now(SESSION_SECONDS)),
            )
        return csrf

    def session(self, token_hash: str) -> Row | None:
        return self.conn.execute(
            "SELECT u.id, u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = ? AND s.expires_at > ?",
            (token_hash, now()),
        ).fetchone()

    def close_session(self, token_hash: str) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def flash(self, token_hash: str, text: str | None = None) -> str | None:
        """Leave a message for the session's next page (with text), or take it (without)."""
        with self.conn:
            if text is not None:
                self.conn.execute("UPDATE sessions SET flash = ? WHERE token_hash = ?", (text, token_hash))
                return None
            row = self.conn.execute("SELECT flash FROM sessions WHERE token_hash = ?", (token_hash,)).fetchone()
            if row and row["flash"]:
                self.conn.execute("UPDATE sessions SET flash = NULL WHERE token_hash = ?", (token_hash,))
            return row["flash"] if row else None
