"""Locale name tables for the demo data: every name exists as an (en, zh) pair.

The simulation only ever works with integer indices into these tables, and names are
looked up at the very end. That is what makes the zh and en builds of one seed hold the
same numbers: a locale can change a label but never a random draw.
"""

from __future__ import annotations

from dataclasses import dataclass

LOCALES = ("en", "zh")

Pair = tuple[str, str]  # (en, zh)


@dataclass(frozen=True)
class CategoryNames:
    """One category: its name, its subcategories (each with product words) and brands."""

    name: Pair
    subcategories: tuple[tuple[Pair, tuple[Pair, ...]], ...]
    brands: tuple[Pair, ...]
    sizes: tuple[str, ...]  # pack sizes in English; SIZE_ZH translates the wordy ones


CATEGORIES: tuple[CategoryNames, ...] = (
    CategoryNames(
        ("Beverages", "饮料"),
        (
            (("Water", "饮用水"), (("Spring Water", "天然矿泉水"), ("Purified Water", "纯净水"))),
            (("Soft Drinks", "碳酸饮料"), (("Cola", "可乐"), ("Lemon Soda", "柠檬汽水"),
                                          ("Orange Soda", "橙味汽水"))),
            (("Tea Drinks", "茶饮料"), (("Green Tea", "绿茶"), ("Iced Black Tea", "冰红茶"),
                                       ("Jasmine Tea", "茉莉花茶"))),
            (("Juice", "果汁"), (("Orange Juice", "橙汁"), ("Apple Juice", "苹果汁"))),
        ),
        (("BlueSpring", "清泉"), ("Fizzo", "气泡派"), ("TeaLeaf", "茶语"),
         ("SunOrchard", "阳光果园"), ("Glacier", "冰川")),
        ("330ml", "500ml", "1.5L", "12x330ml"),
    ),
    CategoryNames(
        ("Snacks", "零食"),
        (
            (("Chips", "薯片"), (("Potato Chips", "薯片"), ("Shrimp Crackers", "虾条"))),
            (("Biscuits", "饼干"), (("Soda Crackers", "苏打饼干"), ("Cookies", "曲奇"),
                                   ("Wafers", "威化饼"))),
            (("Nuts", "坚果"), (("Mixed Nuts", "每日坚果"), ("Cashews", "腰果"),
                               ("Sunflower Seeds", "瓜子"))),
            (("Candy", "糖果"), (("Toffee", "太妃糖"), ("Chocolate", "巧克力"))),
        ),
        (("Crunchy", "脆脆"), ("GoldenBite", "金味"), ("HappyNut", "乐果"), ("SweetHome", "甜蜜家"),
         ("Lucky", "好运来")),
        ("70g", "150g", "400g", "Gift Box"),
    ),
    CategoryNames(
        ("Household", "日化"),
        (
            (("Laundry", "洗衣用品"), (("Laundry Liquid", "洗衣液"), ("Laundry Pods", "洗衣凝珠"))),
            (("Dishwashing", "洗洁精"), (("Dish Soap", "洗洁精"), ("Dishwasher Tabs", "洗碗块"))),
            (("Paper", "纸品"), (("Tissues", "抽纸"), ("Toilet Roll", "卷纸"),
                                ("Kitchen Towel", "厨房纸"))),
            (("Cleaners", "清洁剂"), (("Floor Cleaner", "地板清洁剂"),
                                     ("Glass Cleaner", "玻璃水"))),
        ),
        (("CleanPro", "洁净"), ("SoftCloud", "柔云"), ("Brightly", "亮洁"), ("PureHome", "纯家")),
        ("500ml", "1kg", "2kg", "10-pack"),
    ),
    CategoryNames(
        ("Grain & Oil", "粮油"),
        (
            (("Rice", "大米"), (("Jasmine Rice", "香米"), ("Northeast Rice", "东北大米"))),
            (("Cooking Oil", "食用油"), (("Peanut Oil", "花生油"), ("Sunflower Oil", "葵花籽油"),
                                        ("Blended Oil", "调和油"))),
            (("Flour & Noodles", "面粉面条"), (("Wheat Flour", "小麦粉"),
                                              ("Dried Noodles", "挂面"))),
            (("Condiments", "调味品"), (("Soy Sauce", "生抽"), ("Vinegar", "香醋"),
                                       ("Chili Sauce", "辣椒酱"))),
        ),
        (("HarvestGold", "金丰"), ("GoldenField", "稻香村"), ("FiveGrains", "五谷"),
         ("ChefMate", "厨宝")),
        ("Small", "Regular", "Family Pack", "Bulk"),
    ),
    CategoryNames(
        ("Dairy", "乳品"),
        (
            (("Milk", "纯牛奶"), (("Whole Milk", "全脂牛奶"), ("Skimmed Milk", "脱脂牛奶"))),
            (("Yogurt", "酸奶"), (("Plain Yogurt", "原味酸奶"), ("Fruit Yogurt", "果粒酸奶"))),
            (("Milk Powder", "奶粉"), (("Adult Milk Powder", "成人奶粉"),
                                      ("Kids Milk Powder", "儿童奶粉"))),
        ),
        (("MeadowFresh", "草原鲜"), ("DairyJoy", "乳悦"), ("PureCow", "纯牧"),
         ("MorningDew", "晨露")),
        ("Single", "Regular", "Family Pack", "Gift Box"),
    ),
    CategoryNames(
        ("Spirits & Wine", "酒类"),
        (
            (("Baijiu", "白酒"), (("Strong Baijiu", "浓香型白酒"), ("Sauce Baijiu", "酱香型白酒"))),
            (("Wine", "葡萄酒"), (("Red Wine", "干红葡萄酒"), ("White Wine", "干白葡萄酒"))),
            (("Imported Spirits", "洋酒"), (("Whisky", "威士忌"), ("Brandy", "白兰地"))),
            (("Rice Wine", "黄酒"), (("Aged Rice Wine", "陈年黄酒"), ("Sweet Rice Wine", "米酒"))),
        ),
        (("Dragon Peak", "龙峰"), ("Old Cellar", "老窖坊"), ("Red Valley", "红谷"),
         ("Grand Oak", "橡木园")),
        ("500ml", "750ml", "2x500ml", "Gift Box"),
    ),
    CategoryNames(
        ("Personal Care", "个护"),
        (
            (("Hair Care", "洗发护发"), (("Shampoo", "洗发水"), ("Conditioner", "护发素"))),
            (("Body Wash", "沐浴露"), (("Body Wash", "沐浴露"), ("Hand Soap", "洗手液"))),
            (("Oral Care", "口腔护理"), (("Toothpaste", "牙膏"), ("Toothbrush", "牙刷"),
                                        ("Mouthwash", "漱口水"))),
            (("Skin Care", "护肤"), (("Face Cream", "面霜"), ("Sunscreen", "防晒霜"))),
        ),
        (("Silkara", "丝蔻"), ("FreshMint", "清薄荷"), ("Aqualis", "水漾"), ("Herbalia", "草本源")),
        ("50ml", "200ml", "400ml", "Value Pack"),
    ),
    CategoryNames(
        ("Home", "家居"),
        (
            (("Kitchenware", "厨具"), (("Frying Pan", "煎锅"), ("Knife Set", "刀具套装"),
                                      ("Chopping Board", "砧板"))),
            (("Storage", "收纳"), (("Storage Box", "收纳箱"), ("Hangers", "衣架"))),
            (("Bedding", "床品"), (("Pillow", "枕头"), ("Duvet", "被子"),
                                  ("Bed Sheet Set", "床单套件"))),
            (("Small Appliances", "小家电"), (("Electric Kettle", "电水壶"),
                                             ("Rice Cooker", "电饭煲"))),
        ),
        (("HomeCraft", "家艺"), ("NestWell", "安居"), ("CozyLiving", "悦居"), ("Ironwood", "铁木")),
        ("S", "M", "L", "Set"),
    ),
)

REGIONS: tuple[Pair, ...] = (
    ("East", "华东"),
    ("North", "华北"),
    ("South", "华南"),
    ("Central", "华中"),
    ("Southwest", "西南"),
    ("Northeast", "东北"),
)

# Cities per region, in the order REGIONS lists them; the first city hosts the DC.
CITIES: tuple[tuple[Pair, ...], ...] = (
    (("Shanghai", "上海"), ("Hangzhou", "杭州"), ("Nanjing", "南京"), ("Suzhou", "苏州"),
     ("Ningbo", "宁波"), ("Hefei", "合肥"), ("Qingdao", "青岛")),
    (("Beijing", "北京"), ("Tianjin", "天津"), ("Shijiazhuang", "石家庄"), ("Taiyuan", "太原"),
     ("Jinan", "济南")),
    (("Guangzhou", "广州"), ("Shenzhen", "深圳"), ("Dongguan", "东莞"), ("Foshan", "佛山"),
     ("Xiamen", "厦门"), ("Nanning", "南宁")),
    (("Wuhan", "武汉"), ("Changsha", "长沙"), ("Zhengzhou", "郑州"), ("Nanchang", "南昌")),
    (("Chengdu", "成都"), ("Chongqing", "重庆"), ("Kunming", "昆明"), ("Guiyang", "贵阳")),
    (("Shenyang", "沈阳"), ("Dalian", "大连"), ("Changchun", "长春"), ("Harbin", "哈尔滨")),
)

# Street or district names that make store names unique within a city.
AREAS: tuple[Pair, ...] = (
    ("Renmin Rd", "人民路"),
    ("Zhongshan Rd", "中山路"),
    ("Jiefang Rd", "解放路"),
    ("Riverside", "滨江"),
    ("Hi-Tech Park", "高新区"),
    ("University Town", "大学城"),
    ("Railway Station", "火车站"),
    ("Xinhua Rd", "新华路"),
    ("Century Square", "世纪广场"),
    ("Development Zone", "开发区"),
)


SIZE_ZH = {
    "Gift Box": "礼盒装",
    "Small": "小包装",
    "Single": "单品装",
    "Regular": "标准装",
    "Family Pack": "家庭装",
    "Bulk": "大包装",
    "Value Pack": "超值装",
    "10-pack": "10卷装",
    "Set": "套装",
    "S": "小号",
    "M": "中号",
    "L": "大号",
}


def pick(pair: Pair, locale: str) -> str:
    """The name of `pair` in `locale` ("en" or "zh")."""
    return pair[1] if locale == "zh" else pair[0]


def normalize_locale(locale: str) -> str:
    """Map "zh", "zh-CN", "zh_CN", "en-US"... onto one of LOCALES; reject anything else."""
    base = locale.replace("_", "-").split("-")[0].lower()
    if base not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}; use one of {', '.join(LOCALES)}")
    return base


def store_name(city: Pair, area: Pair, locale: str) -> str:
    """A store's display name, e.g. "Hangzhou Riverside Store" / "杭州滨江店"."""
    if locale == "zh":
        return f"{city[1]}{area[1]}店"
    return f"{city[0]} {area[0]} Store"


def online_name(city: Pair, locale: str) -> str:
    """An e-commerce fulfilment centre's name, e.g. "Suzhou E-commerce FC" / "苏州电商仓"."""
    return f"{city[1]}电商仓" if locale == "zh" else f"{city[0]} E-commerce FC"


def dc_name(city: Pair, locale: str) -> str:
    """A wholesale distribution centre's name, e.g. "Wuhan DC" / "武汉配送中心"."""
    return f"{city[1]}配送中心" if locale == "zh" else f"{city[0]} DC"


def supplier_name(brand: Pair, category: Pair, locale: str) -> str:
    """The supplier of one brand (one supplier per brand)."""
    if locale == "zh":
        return f"{brand[1]}{category[1]}有限公司"
    return f"{brand[0]} {category[0]} Co., Ltd."


def sku_name(brand: Pair, product: Pair, size: str, locale: str) -> str:
    """A SKU's display name: brand, product word and pack size."""
    if locale == "zh":
        return f"{brand[1]}{product[1]} {SIZE_ZH.get(size, size)}"
    return f"{brand[0]} {product[0]} {size}"
