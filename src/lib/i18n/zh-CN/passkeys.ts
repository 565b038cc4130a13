// Strings for passkeys; merged into the catalogue by ../zh-CN.ts.
import { addMessages } from '../index.ts';

export const passkeysZh = {
	'passkey.title': '通行密钥',
	'passkey.why': '签批新闻稿时，用通行密钥（指纹、面容或手机解锁）再确认一次身份，比重新输入密码更快也更安全。没有登记通行密钥时，签批需要重新输入登录密码。',
	'passkey.loading': '正在读取通行密钥…',
	'passkey.load_failed': '通行密钥列表读取失败，请刷新页面重试。',
	'passkey.empty': '还没有登记通行密钥。在常用的手机上登记一个，签批时就可以直接用指纹或面容确认。',
	'passkey.created': '登记时间 {time}',
	'passkey.last_used': '最近使用 {time}',
	'passkey.never_used': '尚未使用',
	'passkey.name_label': '通行密钥名称',
	'passkey.name_hint': '用来区分不同设备，如“我的 iPhone”，最多 60 个字',
	'passkey.add': '登记通行密钥',
	'passkey.adding': '请按手机提示完成验证…',
	'passkey.added': '已登记。签批时可以用这个通行密钥确认。',
	'passkey.remove': '移除',
	'passkey.remove_named': '移除“{name}”',
	'passkey.remove_confirm': '确定移除通行密钥“{name}”？移除后这台设备不能再用于签批确认。',
	'passkey.remove_last_confirm': '确定移除通行密钥“{name}”？这是您唯一的通行密钥，移除后签批需要重新输入登录密码。',
	'passkey.removed': '已移除。',
	'passkey.unsupported': '这个浏览器不支持通行密钥，无法在本机登记。请在手机的 Safari 或 Chrome 中打开回应登记；签批时仍可用登录密码确认。',
	'passkey.device_android': 'Android 手机',
	'passkey.device_windows': 'Windows 电脑',
	'passkey.device_this': '本机',

	'passkey.name_required': '「通行密钥名称」必须填写',
	'passkey.name_too_long': '「通行密钥名称」最多 60 个字',
	'passkey.cancelled': '验证已取消或超时。请重试，并在手机提示时用指纹、面容或锁屏密码确认。',
	'passkey.already_on_device': '这台设备上已经登记过您的通行密钥，无需重复登记。',
	'passkey.ceremony_failed': '通行密钥验证未能完成，请重试。',
	'passkey.registration_invalid': '通行密钥登记未通过验证，请重试',
	'passkey.already_registered': '这个通行密钥已经登记过',

	'field.response': '通行密钥验证',
	'passkey.proof_invalid': '「{field}」未通过：无效的通行密钥验证',
	'passkey.password_wrong': '「{field}」未通过：密码不正确',
	'passkey.expired': '「{field}」已过期，请重试',
	'passkey.locked': '「{field}」尝试次数过多，请 15 分钟后再试',
	'passkey.use_passkey': '「{field}」：您已登记通行密钥，请用通行密钥确认'
} as const;
addMessages(passkeysZh);
