"""The reviewer's workflow: accounts and roles, the audit log (and, later, reviews and the 审核意见)."""
