// Strings for the expert pool (专家库): they join the catalogue when a screen that shows them loads.
import { addMessages } from '../index.ts';

export const expertsZh = {
	'field.field': '专业领域',
	'field.organisation': '工作单位',
	'field.contact': '联系方式',

	'expert.title': '专家库',
	'expert.intro': '可为政策文件解读、接受采访的专家。由政务公开办维护；停用后不再出现在选择列表中，已有的解读记录不受影响。',
	'expert.new': '新增专家',
	'expert.add': '加入专家库',
	'expert.added': '已加入专家库',
	'expert.empty': '专家库还是空的。用下方表单加入第一位专家：姓名和专业领域必须填写。',
	'expert.read_only': '专家库由政务公开办维护，如需增改请联系政务公开办。',
	'expert.show_inactive': '显示已停用的专家（{n}）',
	'expert.deactivate': '停用',
	'expert.reactivate': '重新启用',
	'expert.deactivate_confirm': '确定停用专家“{name}”？停用后不再出现在选择列表中，可随时重新启用。',
	'expert.duplicate': '「姓名」专家库中已有同名、同单位的专家（已停用的可在列表中重新启用）'
} as const;
addMessages(expertsZh);
