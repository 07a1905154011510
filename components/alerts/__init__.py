"""The Alerts page's parts (pages/alerts.py keeps the layout entry and the thin callbacks):
who may do what with a rule (rule_access); the create/edit form (rule_form), its values
(rule_values), the rule body read back from it (rule_body), which field an error names
(field_errors) and its browser-side show/hide (form_scripts); the rules the page reads
for the signed-in person (page_rules), what it draws of them (page_views) and saving the
form (rule_save); the preview of a rule's current value (preview), the list of rules
(rule_list) and the execution log (alert_log). Pure functions of plain data, except where
a docstring says otherwise."""
