"""Strings of login, logout, roles, the demo-mode banner and access refusals."""

STRINGS: dict[str, dict[str, str]] = {
    "auth.sign_in": {"en": "Sign in", "zh": "登录"},
    "auth.sign_in_lead": {"en": "Sign in to see your inventory numbers.",
                          "zh": "登录后查看库存数据。"},
    "auth.name": {"en": "User name", "zh": "用户名"},
    "auth.password": {"en": "Password", "zh": "密码"},
    "auth.remember": {"en": "Keep me signed in on this computer for 30 days",
                      "zh": "在这台电脑上保持登录 30 天"},
    "auth.submit": {"en": "Sign in", "zh": "登录"},
    "auth.wrong": {"en": "Wrong user name or password.", "zh": "用户名或密码错误。"},
    "auth.too_many": {"en": "Too many failed attempts: try again in {minutes} minute(s).",
                      "zh": "失败次数过多,请 {minutes} 分钟后再试。"},
    "auth.csrf": {"en": "This form has expired or did not come from this page (are cookies "
                        "enabled?). Please sign in again.",
                  "zh": "表单已过期或并非来自本页面(浏览器是否允许 Cookie?),请重新登录。"},
    "auth.signed_out": {"en": "You are signed out.", "zh": "您已退出登录。"},
    "auth.expired": {"en": "Please sign in to continue.", "zh": "请登录后继续。"},
    "auth.demo_login": {"en": "No user accounts exist yet, so StockLens runs in demo mode "
                              "without login.",
                        "zh": "尚未创建任何用户,StockLens 以演示模式运行,无需登录。"},
    "auth.demo_create": {"en": "Create the first admin on the server:",
                         "zh": "在服务器上创建第一个管理员:"},
    "auth.open_board": {"en": "Open the board", "zh": "打开看板"},
    "auth.log_out": {"en": "Log out", "zh": "退出登录"},
    "auth.log_out_question": {"en": "Log out of StockLens?", "zh": "退出 StockLens?"},
    "auth.log_out_everywhere": {"en": "Sign out everywhere", "zh": "退出所有设备"},
    "auth.log_out_everywhere_title": {
        "en": "End every session of your account, in every browser and on every computer",
        "zh": "结束您账号在所有浏览器和电脑上的全部登录会话"},
    "auth.signed_out_everywhere": {
        "en": "You are signed out everywhere: every session of your account has ended.",
        "zh": "已在所有设备上退出:您账号的全部登录会话均已结束。"},
    "auth.foreign_host": {
        "en": "StockLens in demo mode (no login) only answers requests addressed to this "
              "computer (127.0.0.1, localhost, [::1]), not to {host}. To serve it under "
              "another name, create an admin (python app.py users add NAME --role admin) "
              "or list the name in STOCKLENS_ALLOWED_HOSTS.",
        "zh": "演示模式(无需登录)下,StockLens 只响应发往本机(127.0.0.1、localhost、"
              "[::1])的请求,不响应 {host}。如需以其他名称访问,请创建管理员(python app.py "
              "users add 用户名 --role admin),或将该名称加入 STOCKLENS_ALLOWED_HOSTS。"},
    "auth.signed_in_as": {"en": "Signed in as {name} ({role})",
                          "zh": "当前用户 {name}({role})"},
    "auth.demo_banner": {"en": "Demo mode: no login — anyone who can reach this address sees "
                               "all data. Create an admin (python app.py users add NAME "
                               "--role admin) to require login.",
                         "zh": "演示模式:无需登录——任何能访问此地址的人都能看到全部数据。"
                               "创建管理员(python app.py users add 用户名 --role admin)"
                               "即可启用登录。"},
    "auth.no_access": {"en": "No access", "zh": "无权访问"},
    "auth.no_access_text": {"en": "Your role ({role}) cannot open this page. Ask an "
                                  "administrator if you need it.",
                            "zh": "您的角色({role})无权打开此页面。如需访问请联系管理员。"},
    "auth.wall_invalid": {"en": "This wall screen link is not valid: its token is unknown or "
                                "was revoked. Ask an administrator for a new link.",
                          "zh": "此大屏链接无效:令牌不存在或已被吊销。请向管理员索取新链接。"},
    "auth.wall_only": {"en": "This browser is signed in as a wall screen, which can only "
                             "open /wall.",
                       "zh": "此浏览器以大屏身份登录,只能打开 /wall。"},
    "auth.locked": {"en": "StockLens has no user accounts, and this server does not run "
                          "without login. On the server: python app.py users add NAME "
                          "--role admin",
                    "zh": "StockLens 没有任何用户账号,而此服务器不允许免登录运行。"
                          "请在服务器上执行:python app.py users add 用户名 --role admin"},
    "role.admin": {"en": "admin", "zh": "管理员"},
    "role.executive": {"en": "executive", "zh": "高管"},
    "role.manager": {"en": "manager", "zh": "经理"},
    "role.wall": {"en": "wall screen", "zh": "大屏"},
}
