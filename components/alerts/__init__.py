"""The Alerts page's parts (pages/alerts.py): who may do what with a rule
(rule_access), the create/edit form and the rule body it builds (rule_form), the preview
of a rule's current value (preview), the list of rules (rule_list) and the execution log
(alert_log). Pure functions of plain data, except where a docstring says otherwise."""
