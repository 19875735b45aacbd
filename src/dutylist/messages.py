"""Message templates: key → (English, Chinese).

A key is a finding code, or a code and a variant (`DL101.null`). Arguments named
`what`/`kind` are translated by `i18n.TERMS`; an argument `hint` is appended.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # yaml: the file cannot be read as YAML
    "DL001": ("YAML syntax error: {problem}", "YAML 语法错误：{problem}"),
    "DL001.tab": (
        "a tab is used for indentation; YAML allows spaces only ({problem})",
        "缩进里有制表符（Tab）；YAML 只允许用空格缩进（{problem}）",
    ),
    "DL001.char": (
        "a character YAML does not allow here (a NUL byte or another control character): {problem}",
        "文件里有 YAML 不允许的字符（NUL 字节或其他控制字符）：{problem}",
    ),
    "DL001.complex_key": (
        "a key must be plain text, not a list or a mapping",
        "键必须是普通文字，不能是列表或映射",
    ),
    "DL001.merge": (
        "'<<' must merge a mapping or a list of mappings",
        "“<<” 只能合并映射或映射的列表",
    ),
    "DL001.alias": (
        "alias *{anchor} names no anchor (&{anchor}) defined before it",
        "别名 *{anchor} 之前没有定义对应的锚点 &{anchor}",
    ),
    "DL002": (
        "the file is not UTF-8: byte {byte} cannot be read; save the file as UTF-8",
        "文件不是 UTF-8 编码：字节 {byte} 无法读取；请把文件另存为 UTF-8",
    ),
    "DL002.gbk": (
        "the file is not UTF-8; it looks like GBK/GB18030, as Windows editors save it. "
        "Save it as UTF-8 (Notepad: Save as → Encoding: UTF-8; "
        "or: iconv -f GB18030 -t UTF-8 old.yaml > new.yaml)",
        "文件不是 UTF-8 编码，看起来是 GBK/GB18030（Windows 编辑器常这样保存）。"
        "请另存为 UTF-8（记事本：另存为 → 编码选 UTF-8；或 iconv -f GB18030 -t UTF-8 原文件 > 新文件）",
    ),
    "DL002.utf16": (
        "the file is UTF-16; save it as UTF-8 (Notepad: Save as → Encoding: UTF-8)",
        "文件是 UTF-16 编码；请另存为 UTF-8（记事本：另存为 → 编码选 UTF-8）",
    ),
    "DL003": (
        "key '{key}' appears twice in this mapping (first on line {first_line}); a YAML "
        "reader would silently keep only the last one: merge the two or rename one",
        "同一映射里键“{key}”出现了两次（第一次在第 {first_line} 行）；一般的 YAML 读取器会悄悄只保留后一个："
        "请合并或改名",
    ),
    "DL004": (
        "too many aliases: expanding them would make the document more than {factor} times "
        "its size (an 'alias bomb'); write the entries out instead",
        "别名过多：展开后文档将超过原大小的 {factor} 倍（“别名炸弹”）；请直接写出各条目",
    ),
    "DL005": (
        "YAML tag {tag} is not allowed: catalogue files hold plain data only",
        "不允许使用 YAML 标签 {tag}：目录文件只能包含普通数据",
    ),
    "DL005.value": ("'{value}' cannot be read as {tag}", "“{value}” 不能按 {tag} 读取"),
    "DL006": (
        "nested deeper than {limit} levels; catalogue entries need only a few",
        "嵌套超过 {limit} 层；目录条目只需要几层",
    ),
    "DL007": ("cannot read the file: {reason}", "无法读取文件：{reason}"),
    "DL007.directory": (
        "a folder where a file is expected",
        "这里应该是文件，却是一个文件夹",
    ),
    "DL007.too_large": (
        "the file is {mb} MB; dutylist reads files of up to {limit} MB: split it",
        "文件有 {mb} MB；dutylist 最多读取 {limit} MB 的文件：请拆分",
    ),
    "DL007.catalogue_too_large": (
        "not read: with this file ({mb} MB) the catalogue's files would come to more than "
        "{limit} MB, the most dutylist reads for one catalogue ({used} MB read before it); "
        "split the catalogue or remove what does not belong in it",
        "未读取：加上这个文件（{mb} MB），目录的文件总量将超过 dutylist 对一个目录的上限 {limit} MB"
        "（此前已读取 {used} MB）；请拆分目录，或移走不属于目录的文件",
    ),
    "DL007.too_many_nodes": (
        "not read: here the catalogue passes {limit} YAML values (keys, values and list "
        "items), the most dutylist reads for one catalogue; split the catalogue or remove "
        "what does not belong in it",
        "未读取：目录在此处超过 {limit} 个 YAML 值（键、值和列表项），这是 dutylist 对一个目录的上限；"
        "请拆分目录，或移走不属于目录的内容",
    ),
    "DL007.outside": (
        "a symbolic link to {target}, outside the catalogue folder: not followed",
        "这是指向目录文件夹之外（{target}）的符号链接：不予读取",
    ),
    "DL007.link": (
        "a symbolic link to {target}, which cannot be read: {reason}",
        "这是指向 {target} 的符号链接，目标无法读取：{reason}",
    ),
    "DL007.special": (
        "not a regular file (a named pipe, a device or a socket): not read",
        "不是普通文件（命名管道、设备或套接字）：不予读取",
    ),
    "DL008": (
        "more than one YAML document ('---') in one file: keep one document per file",
        "一个文件里有多个 YAML 文档（“---”）：每个文件只能有一个文档",
    ),
    # schema: the shape of the data
    "DL101": ("expected {expect}, found '{found}'", "这里应为{expect}，实际是“{found}”"),
    "DL101.null": ("empty value: expected {expect}", "值为空：应为{expect}"),
    "DL101.empty": ("empty: expected {expect}", "内容为空：应为{expect}"),
    "DL101.shape": ("this mapping is not {expect}", "这个映射不是{expect}"),
    "DL102": (
        "unknown key '{key}'; allowed here: {allowed}",
        "未知的键“{key}”；这里允许的键：{allowed}",
    ),
    "DL103": ("missing required key '{key}'", "缺少必填的键“{key}”"),
    "DL104": ("'{value}' is not {expect}", "“{value}” 不是{expect}"),
    "DL104.key": (
        "'{value}' is not allowed as a key here: expected {expect}",
        "“{value}” 不能作为这里的键：应为{expect}",
    ),
    "DL104.enum": ("'{value}' is not one of: {allowed}", "“{value}” 不在可选值中：{allowed}"),
    "DL105": (
        "the file is empty: it must hold a mapping with the top-level key '{key}'",
        "文件为空：应包含顶层键“{key}”的映射",
    ),
    "DL106": (
        "missing {file}: every catalogue folder needs one",
        "缺少 {file}：每个目录文件夹都必须有",
    ),
    "DL107": (
        "unknown file '{file}' in a catalogue folder; catalogue files are: {allowed}",
        "目录文件夹里有未知文件“{file}”；目录文件只能是：{allowed}",
    ),
    "DL108": (
        "attribute '{attribute}' takes {expect}; '{value}' is not",
        "属性“{attribute}”应为{expect}；“{value}” 不是",
    ),
    "DL108.range": (
        "attribute '{attribute}' is not a number: a range ({bound}) cannot apply to it",
        "属性“{attribute}”不是数字：不能使用范围条件（{bound}）",
    ),
    "DL109": (
        "'{id}' is in force from {start} to {end}: it ends before it starts, so it holds on no day",
        "“{id}”的生效期为 {start} 至 {end}：结束早于开始，任何一天都不生效",
    ),
    # reference: ids that do not resolve, duplicates, values outside the declared set
    "DL201": ("unknown {what} '{id}'", "未定义的{what}“{id}”"),
    "DL209": (
        "{what} {item} names {unit} as {field} on days {unit} is not in force ({period})",
        "{what} {item} 的{field}是 {unit}，但 {unit} 在这些日子不存在（{period}）",
    ),
    "DL210": (
        "{what} '{id}' is written again for {period}, which overlaps the period of the "
        "entry at {first}: one id holds one way on each day",
        "{what}“{id}”再次写于 {period}，与 {first} 处条目的生效期重叠：同一编号每天只能有一种写法",
    ),
    "DL202": (
        "duplicate {what} id '{id}' (first defined at {first})",
        "{what}编号“{id}”重复（首次定义于 {first}）",
    ),
    "DL203": (
        "'{value}' is not a value of attribute '{attribute}'; allowed: {allowed}",
        "“{value}” 不是属性“{attribute}”的取值；可选值：{allowed}",
    ),
    "DL204": (
        "duty {duty} names attribute '{attribute}', which problem '{problem}' does not "
        "declare (it declares: {declared})",
        "职责 {duty} 使用了属性“{attribute}”，但问题类型“{problem}”没有声明它（已声明：{declared}）",
    ),
    "DL205": (
        "'{id}' is a {kind}, not a place: `at` names districts, streets and communities only",
        "“{id}” 是{kind}，不是属地：`at` 只能写区、街道或社区",
    ),
    "DL206": (
        "blower '{blower}' is neither a unit kind ({kinds}) nor a unit id",
        "吹哨方“{blower}”既不是单位类型（{kinds}），也不是单位编号",
    ),
    "DL207": (
        "the rules folder '{folder}' does not exist",
        "派单规则文件夹“{folder}”不存在",
    ),
    "DL207.file": (
        "the rules folder '{folder}' is a file: `rules` names a folder of rule files",
        "派单规则文件夹“{folder}”是一个文件：`rules` 应指向存放规则文件的文件夹",
    ),
    "DL208": (
        "the catalogue's root '{id}' is a {kind}; the root is the top territorial unit "
        "(a district)",
        "目录的根“{id}”是{kind}；根应是最高一级的属地单位（区）",
    ),
    # analysis over the whole case space
    "DL301": (
        "overlap: cases of problem {problem} have two or more leads ({leads}); neither duty "
        "is inside the other, so nobody owns them",
        "职责交叉：问题类型 {problem} 的部分情形有两个以上主责单位（{leads}）；两条职责互不包含，无法确定由谁负责",
    ),
    "DL302": (
        "gap: no duty covers part of problem {problem} ({name}): {cells} of its {total} "
        "kinds of case have no lead",
        "职责真空：问题类型 {problem}（{name}）有部分情形没有任何职责覆盖（{total} 类情形中有 {cells} 类无主责）",
    ),
    "DL311": (
        "duty {duty} ends on {end}, and from {day} nobody leads some of the cases it led "
        "({cells} kind(s) of case of problem {problem})",
        "职责 {duty} 于 {end} 终止，自 {day} 起它原先负责的部分情形（问题类型 {problem} 的 {cells} 类情形）无人负责",
    ),
    "DL312": (
        "duty {duty} is on the basic list (基本履职事项), which the street does itself, but "
        "its lead {lead} ({name}) is a {kind}",
        "职责 {duty} 属于基本履职事项（街道自己履行），但主责单位 {lead}（{name}）是{kind}",
    ),
    "DL313": (
        "duty {duty} is on the support list (配合履职事项): a department leads and the street "
        "supports, but its lead {lead} ({name}) is a {kind}",
        "职责 {duty} 属于配合履职事项（部门牵头、街道配合），但主责单位 {lead}（{name}）是{kind}",
    ),
    "DL314": (
        "duty {duty} is on the returned list (上级部门收回事项), which the county department "
        "takes back, but a {kind} still leads it: {lead} ({name})",
        "职责 {duty} 属于上级部门收回事项（由区县部门收回履行），但仍由{kind} {lead}（{name}）牵头",
    ),
    "DL302.none": (
        "gap: problem {problem} ({name}) has no duty at all: nobody leads its cases",
        "职责真空：问题类型 {problem}（{name}）没有任何职责，无人负责",
    ),
    "DL303": (
        "whistle gap: some cases of problem {problem} ({name}) get no whistle from any rule",
        "无哨可吹：问题类型 {problem}（{name}）的部分情形没有任何规则指定吹哪个哨",
    ),
    "DL304": (
        "{what} {id} says the same as {other} ({where}): same matching cases and the same "
        "answer; keep one",
        "{what} {id} 与 {other}（{where}）重复：适用情形相同、结论相同；保留一条即可",
    ),
    "DL305.never": (
        "{what} {id} can never apply: its conditions contradict each other or match no problem",
        "{what} {id} 永远不会适用：条件相互矛盾，或不匹配任何问题类型",
    ),
    "DL305.overridden": (
        "{what} {id} never decides anything: wherever it matches, more specific ones decide",
        "{what} {id} 从不起作用：凡是它匹配的情形，都由更具体的条目决定",
    ),
    "DL305.noop": (
        "rule {id} sets nothing: no whistle, time limit, escalation or also_report",
        "规则 {id} 没有设定任何内容：既无哨、时限、升级，也无 also_report",
    ),
    "DL306": (
        "funnel: duty {duty} needs the power '{power}', which its lead {lead} ({name}) lacks, "
        "and no whistle a {kind} may blow summons a unit that holds it",
        "漏斗效应：职责 {duty} 需要“{power}”职权，主责单位 {lead}（{name}）没有，且{kind}能吹的哨也召集不到拥有该职权的单位",
    ),
    "DL307": (
        "{kind} {id} ({name}) is reached by no duty, rule or whistle",
        "{kind} {id}（{name}）没有任何职责、规则或哨涉及",
    ),
    "DL308": (
        "whistle {whistle} is routed to places with no {kind} to blow it (e.g. {at}; "
        "{count} problem type(s))",
        "哨 {whistle} 会派到没有{kind}可以吹哨的地方（如 {at}；涉及 {count} 个问题类型）",
    ),
    "DL309": (
        "overlap: rules {rules} set different {field} for the same cases of problem "
        "{problem}, and neither is inside the other",
        "规则冲突：规则 {rules} 对问题类型 {problem} 的同一情形设定了不同的 {field}，且互不包含",
    ),
    # cycle
    "DL401": (
        "the unit hierarchy loops: {path}",
        "单位隶属关系形成了环：{path}",
    ),
    "DL402.rule": (
        "rule {rule} escalates in a loop: {path}",
        "规则 {rule} 的升级链形成了环：{path}",
    ),
    "DL402.lead": (
        "escalation returns to the lead: {path} (problem {problem})",
        "升级又回到了主责单位：{path}（问题类型 {problem}）",
    ),
    # task: the implementation plan's phases and key tasks
    "DL501": (
        "the plan declares {declared} key tasks (key_tasks) but tasks.yaml lists {listed}",
        "《实施方案》明确了 {declared} 项重点任务（key_tasks），tasks.yaml 却列出了 {listed} 项",
    ),
    "DL502.reversed": (
        "phase {id} ({name}) ends on {end}, before it starts on {start}",
        "阶段 {id}（{name}）的结束日期 {end} 早于开始日期 {start}",
    ),
    "DL502.overlap": (
        "phase {id} ({name}) starts on {start}, but the phase before it, {previous} "
        "({previous_name}), runs until {previous_end}: phases must follow one another "
        "without overlapping",
        "阶段 {id}（{name}）{start} 开始，而上一阶段 {previous}（{previous_name}）到 {previous_end} 才结束：各阶段应依次衔接，不能重叠",
    ),
    "DL502.open": (
        "phase {id} ({name}) has no end, yet phase {next} follows it: only the last phase "
        "may be open-ended",
        "阶段 {id}（{name}）没有结束日期，其后却还有阶段 {next}：只有最后一个阶段可以不写结束日期",
    ),
    "DL503": (
        "task {id} is due on {due}, outside its phase {phase} ({name}, {span})",
        "重点任务 {id} 的完成时限 {due} 不在所属阶段 {phase}（{name}，{span}）之内",
    ),
    "DL504": (
        "task {id} is marked done but has no done_on: write the date it was completed",
        "重点任务 {id} 状态为已完成（done），却没有填写完成日期 done_on",
    ),
    "DL504.not_done": (
        "task {id} has done_on {done_on} but its status is {status}: set status: done, "
        "or remove done_on",
        "重点任务 {id} 填写了完成日期 done_on {done_on}，状态却是 {status}：应改为 status: done，或删去 done_on",
    ),
    "DL505": (
        "task {id} is recorded as done on {done_on}, a date still to come (today is {today})",
        "重点任务 {id} 的完成日期 {done_on} 还没有到（今天是 {today}）",
    ),
    "DL506": (
        "task {id} of the consolidation phase {phase} ({name}) is done but lists no "
        'documents: results of this phase are fixed in the "1+N" documents',
        "重点任务 {id} 属于固化成果阶段 {phase}（{name}），已完成却没有列出任何文件（documents）：这一阶段的成果要固化为“1+N”制度文件",
    ),
    "DL507": (
        "results_leads names {unit} ({name}) as the lead of {result}, but none of the "
        "tasks producing them ({tasks}) is led by {unit}",
        "results_leads 规定{result}由 {unit}（{name}）牵头，但产出{result}的任务（{tasks}）没有一项由它牵头",
    ),
    "DL507.none": (
        "results_leads names {unit} ({name}) as the lead of {result}, but no task produces them",
        "results_leads 规定{result}由 {unit}（{name}）牵头，但没有任何任务产出{result}",
    ),
    "DL508": (
        "task {id} ({name}) was due on {due} and is still {status}: {days} day(s) overdue "
        "as of {today}",
        "重点任务 {id}（{name}）的完成时限是 {due}，截至 {today} 仍{status}，已逾期 {days} 天",
    ),
    # case: a case given to `who`, a batch line or the Python API that cannot be answered
    "DL601": ("unknown problem '{value}'", "未知的问题类型“{value}”"),
    "DL601.type": (
        "a problem is named by its id, name or alias as text, not {value}",
        "问题类型要用编号、名称或别名（文字）来写，而不是 {value}",
    ),
    "DL602": ("unknown place '{value}'", "未知的属地“{value}”"),
    "DL602.not_place": (
        "'{value}' is a {kind} ({id}), not a place",
        "“{value}”是{kind}（{id}），不是属地",
    ),
    "DL602.type": (
        "a place is named by its id, name or alias as text, not {value}",
        "属地要用编号、名称或别名（文字）来写，而不是 {value}",
    ),
    "DL603": (
        "problem {problem} ({name}) has no attribute '{attribute}'",
        "问题类型 {problem}（{name}）没有属性“{attribute}”",
    ),
    "DL603.type": (
        "the attributes of a case are a mapping of attribute to value, not {value}",
        "案件的属性应写成“属性: 值”的映射，而不是 {value}",
    ),
    "DL604": (
        "'{value}' is not a value of {attribute}",
        "“{value}”不是属性 {attribute} 的取值",
    ),
    "DL605": (
        "{attribute} takes a number, not {value}",
        "属性 {attribute} 要填数字，而不是 {value}",
    ),
    "DL605.boolean": (
        "{attribute} takes true or false, not {value}",
        "属性 {attribute} 要填 true（是）或 false（否），而不是 {value}",
    ),
    "DL605.enum": (
        "{attribute} takes one of its values as text, not {value}",
        "属性 {attribute} 要填它的一个取值（文字），而不是 {value}",
    ),
    "DL606": (
        "{attribute} takes a finite number, not {value}",
        "属性 {attribute} 要填有限的数字，而不是 {value}",
    ),
    # dispute: found in the whistle log (`check --store`)
    "DL310": (
        "cases routed by duty {duty} were passed back and forth ({count} whistle(s): "
        "{whistles}) between {units}; reasons given: {reasons}. Make the duty say who owns "
        "these cases",
        "按职责 {duty} 派出的案件被来回推诿（{count} 次吹哨：{whistles}），涉及 {units}；"
        "退单理由：{reasons}。请在这条职责里写清由谁负责",
    ),
}
