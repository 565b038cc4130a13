-- The language each person reads the app and their notices in (我的 → 语言). Chinese unless they choose otherwise.
alter table people add column locale text not null default 'zh-CN' check (locale in ('zh-CN', 'en'));
