from .cases import case_action, case_detail, case_document, case_list, case_start

__all__ = ["case_action", "case_detail", "case_document", "case_list", "case_start"]
