-- Each rule names its sources as the notices are titled, not by the internal numbers of the source texts
-- (000 … 004 in DOMAIN.md), which nobody outside this project can look up. One citation per notice, separated
-- by "；"; the rules page lists them one a line. The notices behind the numbers:
--   000  西藏自治区人民政府办公厅关于印发2017年政务公开重点工作任务分工的通知 (item 23 of its table)
--   001  道县2017年政务公开工作要点 (part 五, items (一) and (二))
--   002  中共西藏自治区委员会办公厅 西藏自治区人民政府办公厅印发《关于全面推进政务公开工作的实施意见》的通知，藏党办发〔2016〕37号 (items 9 and 10)
--   003  佛山市人民政府办公室关于印发佛山市贯彻落实广东省人民政府办公厅2017年政务公开工作要点分工方案的通知 (part 五, item 6)
--   国办发〔2016〕80号  国务院办公厅印发《关于全面推进政务公开工作的意见》实施细则的通知
--   国办发〔2016〕61号  国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知
-- Only a citation still as seeded is rewritten.
update clock_rules set source = '《西藏自治区人民政府办公厅关于印发2017年政务公开重点工作任务分工的通知》第23项；《国务院办公厅印发〈关于全面推进政务公开工作的意见〉实施细则的通知》（国办发〔2016〕80号）'
where key = 'incident.authoritative_release' and source = '000 第23项；国办发〔2016〕80号';

update clock_rules set source = '《西藏自治区人民政府办公厅关于印发2017年政务公开重点工作任务分工的通知》第23项；《道县2017年政务公开工作要点》第五部分第（二）项；《国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知》（国办发〔2016〕61号）'
where key = 'incident.press_conference' and source = '000 第23项；001 第五条第（二）项；国办发〔2016〕61号';

update clock_rules set source = '《国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知》（国办发〔2016〕61号）'
where key = 'opinion.response' and source = '国办发〔2016〕61号';

update clock_rules set source = '《中共西藏自治区委员会办公厅 西藏自治区人民政府办公厅印发〈关于全面推进政务公开工作的实施意见〉的通知》（藏党办发〔2016〕37号）第9条；《道县2017年政务公开工作要点》第五部分第（一）项'
where key = 'document.interpretation' and source = '002 第九条；001 第五条第（一）项';

update clock_rules set source = '《佛山市人民政府办公室关于印发佛山市贯彻落实广东省人民政府办公厅2017年政务公开工作要点分工方案的通知》第五部分第6项'
where key = 'document.abolition_marking' and source = '003 第五条第6项';

-- No notice sets the 2 hours: it is this office's own rule, in the spirit of the cycle the notices describe.
update clock_rules set source = '本办工作规则：舆情不得无人研判；参照《中共西藏自治区委员会办公厅 西藏自治区人民政府办公厅印发〈关于全面推进政务公开工作的实施意见〉的通知》（藏党办发〔2016〕37号）第10条'
where key = 'opinion.assessment' and source = 'DOMAIN.md：收集 → 会商 → 研判（舆情不得无人研判）';
