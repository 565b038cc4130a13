// Strings for uploaded files (附件): they join the catalogue when a screen that shows them loads.
import { addMessages } from '../index.ts';

export const filesZh = {
	'field.file': '文件',

	'files.empty': '「{field}」为空',
	'files.too_large': '「{field}」超过 {mb} MB',
	'files.bad_type': '「{field}」是不支持的文件类型（仅限 PDF、图片、Word）',
	'files.no_file': '「{field}」必须选择',
	'files.upload_failed': '「{field}」上传失败，请检查网络后重试',
	'files.daily_limit': '今天上传的文件已达上限（24 小时内最多 {files} 个、共 {mb} MB），请约 {hours} 小时后再试',

	'files.label': '附件',
	'files.pick': '添加附件',
	'files.hint': 'PDF、图片（可拍照）或 Word，每个不超过 {mb} MB',
	'files.none': '还没有附件',
	'files.uploading': '正在上传 {percent}%',
	'files.retry': '重试',
	'files.remove_named': '移除“{name}”',
	'files.open_named': '打开“{name}”',
	'files.size_kb': '{n} KB',
	'files.size_mb': '{n} MB'
} as const;
addMessages(filesZh);
