"""Word lists for the demo directory: countries, cities, people, company names and prose.

Plain data, no logic. Everything here is fictional; the web addresses built from it use the
reserved ``.example`` top-level domain so no demo link points at a real business.
"""

from __future__ import annotations

from typing import NamedTuple


class Country(NamedTuple):
    code: str
    name: str
    weight: float  # relative share of vendors
    tier: int  # 0 = lowest cost, 1 = middle, 2 = highest cost
    people: str  # key into FIRST_NAMES / LAST_NAMES
    legal: tuple[str, ...]  # company-form suffixes
    currencies: tuple[tuple[str, int], ...]  # (currency, weight) for prices and rates
    cities: tuple[str, ...]
    languages: tuple[str, ...]  # spoken by almost every vendor there
    extra_languages: tuple[str, ...]  # spoken by some


COUNTRIES: tuple[Country, ...] = (
    Country("PH", "Philippines", 15, 0, "ph", ("Inc.", "Corp.", "OPC"),
            (("USD", 70), ("PHP", 30)),
            ("Makati", "Manila", "Cebu City", "Quezon City", "Pasig", "Taguig", "Davao City",
             "Iloilo City", "Bacolod", "Clark"),
            ("English", "Filipino"), ("Cebuano", "Spanish", "Japanese")),
    Country("IN", "India", 16, 0, "in", ("Pvt Ltd", "LLP", "Private Limited"),
            (("USD", 55), ("INR", 45)),
            ("Bengaluru", "Pune", "Hyderabad", "Chennai", "Noida", "Gurugram", "Mumbai",
             "Kolkata", "Ahmedabad", "Kochi", "Coimbatore", "Jaipur", "Mohali"),
            ("English", "Hindi"), ("Tamil", "Kannada", "Marathi", "Telugu", "Bengali", "German")),
    Country("PL", "Poland", 6, 1, "pl", ("Sp. z o.o.", "S.A."),
            (("EUR", 40), ("PLN", 35), ("USD", 25)),
            ("Kraków", "Warsaw", "Wrocław", "Łódź", "Gdańsk", "Poznań", "Katowice", "Lublin"),
            ("Polish", "English"), ("German", "French", "Ukrainian", "Spanish", "Italian")),
    Country("MX", "Mexico", 5, 1, "es", ("S.A. de C.V.", "S. de R.L."),
            (("USD", 85), ("MXN", 15)),
            ("Guadalajara", "Mexico City", "Monterrey", "Querétaro", "Tijuana", "Mérida",
             "Puebla"),
            ("Spanish", "English"), ("Portuguese", "French")),
    Country("CO", "Colombia", 4, 1, "es", ("S.A.S.", "Ltda."),
            (("USD", 100),),
            ("Bogotá", "Medellín", "Cali", "Barranquilla", "Bucaramanga", "Pereira"),
            ("Spanish", "English"), ("Portuguese", "French")),
    Country("UA", "Ukraine", 4, 1, "ua", ("LLC",),
            (("USD", 75), ("EUR", 20), ("UAH", 5)),
            ("Kyiv", "Lviv", "Kharkiv", "Dnipro", "Odesa", "Vinnytsia"),
            ("Ukrainian", "English"), ("Polish", "German", "Russian")),
    Country("ZA", "South Africa", 4, 1, "za", ("(Pty) Ltd",),
            (("USD", 55), ("ZAR", 25), ("GBP", 20)),
            ("Cape Town", "Johannesburg", "Durban", "Pretoria", "Gqeberha"),
            ("English",), ("Afrikaans", "isiZulu", "isiXhosa", "Dutch")),
    Country("EG", "Egypt", 3, 0, "eg", ("LLC", "S.A.E."),
            (("USD", 85), ("EUR", 10), ("EGP", 5)),
            ("Cairo", "Alexandria", "Giza", "New Cairo"),
            ("Arabic", "English"), ("French", "German", "Italian")),
    Country("RO", "Romania", 3, 1, "ro", ("SRL", "S.A."),
            (("EUR", 55), ("USD", 25), ("RON", 20)),
            ("Bucharest", "Cluj-Napoca", "Iași", "Timișoara", "Brașov", "Oradea"),
            ("Romanian", "English"), ("French", "German", "Italian", "Spanish", "Hungarian")),
    Country("MY", "Malaysia", 3, 1, "my", ("Sdn Bhd",),
            (("USD", 60), ("MYR", 40)),
            ("Kuala Lumpur", "Penang", "Cyberjaya", "Johor Bahru", "Petaling Jaya"),
            ("English", "Malay"), ("Mandarin", "Cantonese", "Tamil", "Japanese", "Korean")),
    Country("US", "United States", 8, 2, "en", ("LLC", "Inc."),
            (("USD", 100),),
            ("Austin", "Dallas", "Phoenix", "Tampa", "Atlanta", "Charlotte", "Chicago", "Denver",
             "Columbus", "Salt Lake City", "Raleigh", "Boise"),
            ("English",), ("Spanish",)),
    Country("GB", "United Kingdom", 5, 2, "en", ("Ltd", "LLP"),
            (("GBP", 85), ("USD", 15)),
            ("London", "Manchester", "Leeds", "Glasgow", "Belfast", "Birmingham", "Cardiff",
             "Edinburgh", "Bristol"),
            ("English",), ("French", "German", "Welsh", "Polish")),
    Country("CA", "Canada", 3, 2, "en", ("Inc.", "Ltd."),
            (("CAD", 55), ("USD", 45)),
            ("Toronto", "Montreal", "Vancouver", "Halifax", "Winnipeg", "Ottawa", "Calgary"),
            ("English",), ("French", "Spanish", "Punjabi")),
    Country("IE", "Ireland", 1.5, 2, "en", ("Ltd", "DAC"),
            (("EUR", 100),),
            ("Dublin", "Cork", "Galway", "Limerick"),
            ("English",), ("Irish", "French", "German")),
    Country("DE", "Germany", 1, 2, "de", ("GmbH",),
            (("EUR", 100),),
            ("Berlin", "Leipzig", "Hamburg", "Cologne", "Dresden"),
            ("German", "English"), ("French", "Polish", "Turkish")),
    Country("PT", "Portugal", 2, 1, "pt", ("Lda.", "S.A."),
            (("EUR", 100),),
            ("Lisbon", "Porto", "Braga", "Coimbra"),
            ("Portuguese", "English"), ("Spanish", "French", "German")),
    Country("ES", "Spain", 1.5, 2, "es", ("S.L.", "S.A."),
            (("EUR", 100),),
            ("Madrid", "Barcelona", "Valencia", "Málaga", "Seville"),
            ("Spanish", "English"), ("Catalan", "French", "German")),
    Country("BG", "Bulgaria", 2, 1, "bg", ("EOOD", "OOD"),
            (("EUR", 70), ("USD", 30)),
            ("Sofia", "Plovdiv", "Varna", "Burgas"),
            ("Bulgarian", "English"), ("German", "Russian", "Greek", "Turkish")),
    Country("CZ", "Czechia", 1, 1, "cz", ("s.r.o.", "a.s."),
            (("EUR", 80), ("USD", 20)),
            ("Prague", "Brno", "Ostrava"),
            ("Czech", "English"), ("German", "Slovak")),
    Country("HU", "Hungary", 1, 1, "hu", ("Kft.", "Zrt."),
            (("EUR", 80), ("USD", 20)),
            ("Budapest", "Debrecen", "Szeged"),
            ("Hungarian", "English"), ("German",)),
    Country("LT", "Lithuania", 1, 1, "lt", ("UAB",),
            (("EUR", 100),),
            ("Vilnius", "Kaunas", "Klaipėda"),
            ("Lithuanian", "English"), ("Polish", "Russian")),
    Country("EE", "Estonia", 0.5, 1, "ee", ("OÜ", "AS"),
            (("EUR", 100),),
            ("Tallinn", "Tartu"),
            ("Estonian", "English"), ("Finnish", "Russian")),
    Country("RS", "Serbia", 1.5, 1, "rs", ("d.o.o.",),
            (("EUR", 60), ("USD", 40)),
            ("Belgrade", "Novi Sad", "Niš"),
            ("Serbian", "English"), ("German",)),
    Country("GE", "Georgia", 0.5, 0, "ge", ("LLC",),
            (("USD", 100),),
            ("Tbilisi", "Batumi"),
            ("Georgian", "English"), ("Russian",)),
    Country("AR", "Argentina", 2, 1, "es", ("S.R.L.", "S.A."),
            (("USD", 100),),
            ("Buenos Aires", "Córdoba", "Rosario", "Mendoza"),
            ("Spanish", "English"), ("Portuguese", "Italian")),
    Country("BR", "Brazil", 2, 1, "pt", ("Ltda.", "S.A."),
            (("USD", 70), ("BRL", 30)),
            ("São Paulo", "Curitiba", "Porto Alegre", "Florianópolis", "Belo Horizonte",
             "Recife"),
            ("Portuguese", "English"), ("Spanish",)),
    Country("CR", "Costa Rica", 1.5, 1, "es", ("S.A.", "S.R.L."),
            (("USD", 100),),
            ("San José", "Heredia", "Alajuela"),
            ("Spanish", "English"), ("French",)),
    Country("GT", "Guatemala", 1, 0, "es", ("S.A.",),
            (("USD", 100),),
            ("Guatemala City", "Quetzaltenango"),
            ("Spanish", "English"), ()),
    Country("DO", "Dominican Republic", 1, 0, "es", ("S.R.L.", "S.A."),
            (("USD", 100),),
            ("Santo Domingo", "Santiago de los Caballeros"),
            ("Spanish", "English"), ("French",)),
    Country("JM", "Jamaica", 1, 0, "en", ("Ltd",),
            (("USD", 100),),
            ("Kingston", "Montego Bay", "Portmore"),
            ("English",), ("Spanish",)),
    Country("CL", "Chile", 0.8, 1, "es", ("SpA", "Ltda."),
            (("USD", 100),),
            ("Santiago", "Valparaíso", "Concepción"),
            ("Spanish", "English"), ("Portuguese",)),
    Country("PE", "Peru", 0.8, 0, "es", ("S.A.C.", "S.R.L."),
            (("USD", 100),),
            ("Lima", "Arequipa", "Trujillo"),
            ("Spanish", "English"), ("Portuguese",)),
    Country("VN", "Vietnam", 2, 0, "vn", ("Co., Ltd.", "JSC"),
            (("USD", 100),),
            ("Ho Chi Minh City", "Hanoi", "Da Nang"),
            ("Vietnamese", "English"), ("Japanese", "Korean")),
    Country("LK", "Sri Lanka", 1.5, 0, "lk", ("(Pvt) Ltd",),
            (("USD", 100),),
            ("Colombo", "Kandy", "Galle"),
            ("English", "Sinhala"), ("Tamil",)),
    Country("BD", "Bangladesh", 1, 0, "bd", ("Ltd",),
            (("USD", 100),),
            ("Dhaka", "Chattogram"),
            ("Bengali", "English"), ()),
    Country("PK", "Pakistan", 2, 0, "pk", ("(Pvt) Ltd", "(SMC-Private) Limited"),
            (("USD", 100),),
            ("Lahore", "Karachi", "Islamabad", "Faisalabad"),
            ("English", "Urdu"), ("Punjabi", "Arabic")),
    Country("KE", "Kenya", 1.5, 0, "ke", ("Ltd",),
            (("USD", 100),),
            ("Nairobi", "Mombasa", "Kisumu"),
            ("English", "Swahili"), ("French",)),
    Country("NG", "Nigeria", 1, 0, "ng", ("Ltd",),
            (("USD", 100),),
            ("Lagos", "Abuja", "Ibadan"),
            ("English",), ("Yoruba", "Igbo", "Hausa", "French")),
    Country("GH", "Ghana", 0.5, 0, "ng", ("Ltd",),
            (("USD", 100),),
            ("Accra", "Kumasi"),
            ("English",), ("Twi", "French")),
    Country("MA", "Morocco", 1.5, 0, "ma", ("SARL", "S.A."),
            (("EUR", 60), ("USD", 40)),
            ("Casablanca", "Rabat", "Marrakesh", "Tangier", "Fès"),
            ("French", "Arabic", "English"), ("Spanish", "German")),
    Country("TN", "Tunisia", 0.5, 0, "ma", ("SARL",),
            (("EUR", 70), ("USD", 30)),
            ("Tunis", "Sousse", "Sfax"),
            ("French", "Arabic", "English"), ("Italian", "German")),
    Country("AU", "Australia", 1, 2, "en", ("Pty Ltd",),
            (("AUD", 75), ("USD", 25)),
            ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide"),
            ("English",), ("Mandarin", "Vietnamese")),
    Country("SG", "Singapore", 1, 2, "my", ("Pte. Ltd.",),
            (("SGD", 55), ("USD", 45)),
            ("Singapore",),
            ("English", "Mandarin"), ("Malay", "Tamil", "Japanese", "Bahasa Indonesia")),
)

COUNTRY_BY_CODE = {c.code: c for c in COUNTRIES}

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "ph": ("Maria", "Jose", "Ana", "Mark", "Kristine", "John Paul", "Angelica", "Rommel",
           "Jasmine", "Carlo", "Patricia", "Miguel", "Rowena", "Joven", "Liza", "Ramon"),
    "in": ("Priya", "Rahul", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya", "Rohan", "Meera",
           "Sanjay", "Divya", "Aditya", "Pooja", "Karthik", "Neha", "Suresh"),
    "pl": ("Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Łukasz", "Agnieszka", "Michał",
           "Joanna", "Paweł", "Marta", "Krzysztof", "Ewa", "Jakub"),
    "es": ("María", "Carlos", "Lucía", "Andrés", "Valentina", "Juan", "Camila", "Diego",
           "Sofía", "Alejandro", "Daniela", "Javier", "Paula", "Santiago", "Gabriela", "Luis"),
    "ua": ("Olena", "Andrii", "Iryna", "Oleksandr", "Kateryna", "Dmytro", "Nataliia", "Serhii",
           "Yuliia", "Taras", "Oksana", "Bohdan"),
    "za": ("Thandiwe", "Pieter", "Naledi", "Johan", "Lerato", "Sipho", "Anneke", "Themba",
           "Zanele", "Ruan", "Ayanda", "Michelle"),
    "eg": ("Mohamed", "Nour", "Ahmed", "Salma", "Omar", "Mariam", "Youssef", "Hana", "Karim",
           "Dina", "Mostafa", "Yasmin"),
    "ro": ("Andreea", "Mihai", "Ioana", "Alexandru", "Elena", "Andrei", "Cristina", "Bogdan",
           "Raluca", "Ionuț", "Diana", "Vlad"),
    "my": ("Nur Aisyah", "Wei Ming", "Siti", "Jun Jie", "Priya", "Ahmad", "Mei Ling", "Hafiz",
           "Li Na", "Darren", "Farah", "Kelvin"),
    "en": ("Emily", "James", "Sarah", "Michael", "Jessica", "David", "Laura", "Daniel",
           "Rachel", "Chris", "Megan", "Ryan", "Hannah", "Tom", "Olivia", "Ben", "Grace",
           "Patrick", "Chloe", "Sam"),
    "de": ("Julia", "Lukas", "Lena", "Jonas", "Sophie", "Felix", "Katrin", "Stefan", "Anja",
           "Tobias"),
    "pt": ("Ana", "João", "Beatriz", "Pedro", "Mariana", "Rafael", "Inês", "Tiago", "Carolina",
           "Bruno", "Larissa", "Gustavo"),
    "bg": ("Maria", "Georgi", "Elena", "Ivan", "Desislava", "Nikolay", "Teodora", "Dimitar"),
    "cz": ("Tereza", "Jan", "Lucie", "Petr", "Veronika", "Martin", "Kateřina", "Tomáš"),
    "hu": ("Anna", "Bence", "Eszter", "Gábor", "Zsófia", "Péter", "Réka", "Dávid"),
    "lt": ("Rūta", "Mantas", "Eglė", "Tomas", "Ieva", "Lukas", "Austėja", "Darius"),
    "ee": ("Kadri", "Martin", "Liis", "Andres", "Kristiina", "Rasmus"),
    "rs": ("Jelena", "Nikola", "Milica", "Marko", "Ana", "Stefan", "Ivana", "Miloš"),
    "ge": ("Nino", "Giorgi", "Mariam", "Levan", "Tamar", "Davit"),
    "vn": ("Linh", "Minh", "Trang", "Huy", "Thảo", "Nam", "Hương", "Tuấn"),
    "lk": ("Nimali", "Kasun", "Dilini", "Chaminda", "Tharushi", "Ruwan", "Sanduni", "Nuwan"),
    "bd": ("Nusrat", "Tanvir", "Farzana", "Rafiq", "Sadia", "Imran", "Tahmina", "Arif"),
    "pk": ("Ayesha", "Ali", "Fatima", "Usman", "Hira", "Bilal", "Sana", "Hamza", "Zainab",
           "Faisal"),
    "ke": ("Wanjiru", "Brian", "Akinyi", "Kevin", "Njeri", "Dennis", "Achieng", "Collins"),
    "ng": ("Chiamaka", "Tunde", "Ngozi", "Emeka", "Funmilayo", "Kwame", "Adaeze", "Seun",
           "Abena", "Kofi"),
    "ma": ("Salma", "Youssef", "Imane", "Mehdi", "Khadija", "Amine", "Sara", "Hamza", "Leila",
           "Karim"),
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "ph": ("Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Villanueva", "Ramos",
           "Aquino", "Castillo", "Dela Cruz", "Navarro", "Tolentino", "Manalo", "Pascual"),
    "in": ("Sharma", "Iyer", "Patel", "Reddy", "Nair", "Gupta", "Menon", "Kulkarni", "Rao",
           "Desai", "Banerjee", "Pillai", "Joshi", "Chatterjee", "Mehta"),
    "pl": ("Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamiński", "Lewandowska", "Zieliński",
           "Szymańska", "Dąbrowski", "Kozłowska", "Mazur", "Krawczyk"),
    "es": ("García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez",
           "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Castillo",
           "Moreno", "Vargas", "Rojas"),
    "ua": ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk",
           "Boyko", "Oliinyk", "Lysenko", "Moroz", "Marchenko", "Savchenko"),
    "za": ("Nkosi", "van der Merwe", "Dlamini", "Botha", "Mokoena", "Pretorius", "Ndlovu",
           "Naidoo", "Khumalo", "Coetzee", "Mthembu", "Smit"),
    "eg": ("Hassan", "Mahmoud", "Ibrahim", "El-Sayed", "Abdelrahman", "Mostafa", "Farouk",
           "Saleh", "Nasser", "Fathy", "Ghoneim", "Soliman"),
    "ro": ("Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei",
           "Constantin", "Marin", "Dinu", "Munteanu"),
    "my": ("Tan", "Lim", "Abdullah", "Wong", "Ismail", "Lee", "Rahman", "Ng", "Chong",
           "Krishnan", "Ong", "Yusof"),
    "en": ("Smith", "Johnson", "Walker", "Thompson", "Murphy", "O'Brien", "Clarke", "Bennett",
           "Hughes", "Campbell", "Reid", "Mitchell", "Carter", "Foster", "Kelly", "Brooks",
           "Sullivan", "Harper", "Morgan", "Fletcher", "Doyle", "Hayes"),
    "de": ("Müller", "Schmidt", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Richter",
           "Klein", "Wolf"),
    "pt": ("Silva", "Santos", "Oliveira", "Costa", "Ferreira", "Pereira", "Almeida", "Carvalho",
           "Rodrigues", "Martins", "Souza", "Lima"),
    "bg": ("Ivanova", "Petrov", "Georgieva", "Dimitrov", "Nikolova", "Todorov", "Stoyanova",
           "Kolev"),
    "cz": ("Novák", "Svobodová", "Dvořák", "Černá", "Procházka", "Kučerová", "Veselý",
           "Horáková"),
    "hu": ("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár"),
    "lt": ("Kazlauskas", "Jankauskienė", "Petrauskas", "Stankevičiūtė", "Vasiliauskas",
           "Žukauskaitė"),
    "ee": ("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Rebane"),
    "rs": ("Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić",
           "Pavlović"),
    "ge": ("Beridze", "Kapanadze", "Gelashvili", "Maisuradze", "Lomidze", "Tsiklauri"),
    "vn": ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"),
    "lk": ("Perera", "Fernando", "de Silva", "Jayasinghe", "Wickramasinghe", "Bandara",
           "Gunawardena", "Rajapaksa"),
    "bd": ("Rahman", "Hossain", "Islam", "Ahmed", "Chowdhury", "Khan", "Akter", "Uddin"),
    "pk": ("Khan", "Ahmed", "Malik", "Hussain", "Qureshi", "Siddiqui", "Butt", "Chaudhry",
           "Sheikh", "Raza"),
    "ke": ("Mwangi", "Otieno", "Kamau", "Wanjiku", "Ochieng", "Njoroge", "Kiprop", "Mutua"),
    "ng": ("Okafor", "Adeyemi", "Okonkwo", "Bello", "Mensah", "Eze", "Boateng", "Adebayo",
           "Owusu", "Nwosu"),
    "ma": ("Benali", "El Amrani", "Alaoui", "Bennani", "Tazi", "Haddad", "Berrada", "Chraibi",
           "Trabelsi", "Ben Salah"),
}

# Company names: "<prefix> <core>", "<brand> <core>", "<place> <core>", "<surname> & <surname> <core>".
NAME_PREFIXES = (
    "Apex", "Atlas", "Azure", "Beacon", "Bluehaven", "Brightline", "Cascade", "Cedar",
    "Clearwater", "Cobalt", "Crestview", "Delta", "Evergreen", "Falcon", "Fulcrum", "Granite",
    "Harbor", "Helix", "Horizon", "Ironwood", "Keystone", "Lighthouse", "Lumen", "Maple",
    "Meridian", "Northstar", "Oakridge", "Orbit", "Pacific", "Pinnacle", "Polaris", "Quantum",
    "Redwood", "Sapphire", "Sequoia", "Silverline", "Summit", "Tandem", "Trident", "Vantage",
    "Vertex", "Westbridge", "Zenith", "Anchor", "Arrow", "Bridgewater", "Canopy", "Compass",
    "Coral", "Cornerstone", "Elevate", "Ember", "Equinox", "Fairway", "Firstline", "Foundry",
    "Frontier", "Gateway", "Greenleaf", "Halcyon", "Highland", "Ivory", "Juniper", "Kestrel",
    "Landmark", "Ledgerline", "Lodestar", "Magnolia", "Mosaic", "Nimbus", "Nova", "Onyx",
    "Opal", "Paragon", "Pathway", "Peak", "Prism", "Pulse", "Radiant", "Ridgeway", "Riverstone",
    "Sentinel", "Signal", "Skyline", "Solstice", "Sterling", "Stonebridge", "Swift", "Tidewater",
    "True North", "Upland", "Vanguard", "Verity", "Willow", "Blue Lotus", "Clearpath",
    "Crossway", "Everline", "Goldcrest", "Harborview", "Insight", "Kinetic", "Linden", "Matrix",
    "Noble", "Oasis", "Primeline", "Quarry", "Rockpool", "Saltire", "Tessera", "Unity",
    "Velocity", "Waypoint", "Aurora", "Bastion", "Citadel", "Driftwood", "Elmstead", "Fieldstone",
)

BRAND_HEADS = ("Nex", "Vel", "Qor", "Ari", "Lum", "Sol", "Tri", "Ver", "Zen", "Cal", "Dyn",
               "Ori", "Pax", "Syn", "Vox", "Kai", "Elo", "Mira", "Tal", "Cor", "Alt", "Inno",
               "Opti", "Pro", "Flex", "Clar", "Nav", "Ava")
BRAND_TAILS = ("ora", "ant", "ix", "ento", "ara", "ivo", "ana", "eon", "ity", "ova", "era",
               "io", "ium", "axis", "ello", "ura", "ent", "ique", "ando", "ari")

CORE_NAMES: dict[str, tuple[str, ...]] = {
    "payroll": ("Payroll Services", "Payroll Solutions", "Payroll Partners", "Paysource",
                "Payroll Bureau", "PayOps", "Payroll & HR", "Pay Services", "Payroll Group"),
    "it-services": ("IT Services", "Tech Support", "Managed IT", "IT Solutions", "Helpdesk",
                    "Systems", "Digital Services", "ServiceDesk", "Technologies", "Networks"),
    "data-entry": ("Data Services", "Data Solutions", "DataWorks", "Data Hub", "Records",
                   "Document Services", "Data Processing", "Digitization", "Data Labs"),
    "hr-recruitment": ("Talent", "Recruitment", "Staffing", "People Solutions", "HR Partners",
                       "Talent Partners", "Search & Selection", "Workforce Solutions", "HR"),
    "finance-accounting": ("Accounting", "Finance Partners", "Ledger Services", "Bookkeeping",
                           "Accounting Services", "Financial Services", "Advisory",
                           "Finance & Accounting", "Accounts"),
    "customer-support": ("Contact Center", "Customer Care", "CX", "Support Services",
                         "Contact Solutions", "Customer Experience", "Call Center",
                         "Support Hub", "Connect"),
}
GENERIC_CORES = ("Outsourcing", "BPO", "Business Services", "Global Services", "Solutions",
                 "Partners", "Group", "Consulting", "Back Office", "Shared Services",
                 "Operations", "Offshore Solutions", "Process Services")

PLACE_WORDS: dict[str, tuple[str, ...]] = {
    "PH": ("Visayas", "Luzon", "Mindanao", "Manila Bay", "Cebu", "Makati", "Bonifacio", "Taal",
           "Pasig River", "Mayon"),
    "IN": ("Deccan", "Ganges", "Malabar", "Konkan", "Indus", "Himalaya", "Coromandel",
           "Sahyadri", "Nilgiri", "Saffron"),
    "PL": ("Vistula", "Wawel", "Baltic", "Tatra", "Amber", "Mazovia", "Silesia", "Odra"),
    "MX": ("Sierra Madre", "Azteca", "Baja", "Jalisco", "Yucatán", "Maya"),
    "CO": ("Andes", "Caribe", "Magdalena", "Antioquia", "Cordillera"),
    "UA": ("Dnipro", "Carpathian", "Kyiv", "Lviv", "Black Sea", "Polissia"),
    "ZA": ("Table Mountain", "Cape", "Highveld", "Protea", "Karoo", "Drakensberg"),
    "EG": ("Nile", "Pharos", "Delta", "Sinai", "Giza", "Luxor"),
    "RO": ("Carpathia", "Danube", "Transilvania", "Dacia", "Bucovina"),
    "MY": ("Petronas", "Borneo", "Klang", "Penang", "Langkawi", "Selangor"),
    "US": ("Lone Star", "Blue Ridge", "Great Lakes", "Rocky Mountain", "Peachtree", "Sunbelt",
           "Cascadia", "Prairie"),
    "GB": ("Thames", "Pennine", "Mersey", "Cotswold", "Clyde", "Severn", "Albion"),
    "CA": ("Maple Leaf", "Laurentian", "Northern Lights", "Bay Street", "Fraser", "Rideau"),
    "IE": ("Liffey", "Shannon", "Emerald", "Connacht", "Wicklow"),
    "DE": ("Spree", "Elbe", "Rhein", "Hanse"),
    "PT": ("Tejo", "Douro", "Atlântico", "Lusitania"),
    "ES": ("Iberia", "Mediterráneo", "Castilla", "Sierra"),
    "BG": ("Balkan", "Rila", "Vitosha", "Thracia"),
    "CZ": ("Vltava", "Bohemia", "Moravia"),
    "HU": ("Danubius", "Buda", "Pannonia"),
    "LT": ("Neris", "Baltic Amber", "Gediminas"),
    "EE": ("Nordic Baltic", "Toompea"),
    "RS": ("Sava", "Morava", "Kalemegdan"),
    "GE": ("Caucasus", "Kartli"),
    "AR": ("Pampa", "Patagonia", "Río de la Plata", "Aconcagua"),
    "BR": ("Paulista", "Amazônia", "Guanabara", "Cerrado"),
    "CR": ("Pura Vida", "Arenal", "Central Valley"),
    "GT": ("Quetzal", "Atitlán"),
    "DO": ("Caribbean", "Hispaniola"),
    "JM": ("Blue Mountain", "Caribbean", "Island"),
    "CL": ("Pacific Andes", "Atacama"),
    "PE": ("Inca", "Pacífico"),
    "VN": ("Mekong", "Saigon", "Ha Long", "Lotus"),
    "LK": ("Ceylon", "Serendib", "Lanka"),
    "BD": ("Bengal", "Padma"),
    "PK": ("Indus Valley", "Margalla", "Ravi"),
    "KE": ("Savannah", "Kilimanjaro", "Rift Valley", "Nairobi"),
    "NG": ("Niger Delta", "Lagoon", "Zuma"),
    "GH": ("Gold Coast", "Volta"),
    "MA": ("Atlas", "Maghreb", "Casablanca"),
    "TN": ("Carthage", "Medina"),
    "AU": ("Southern Cross", "Outback", "Harbour City", "Coral Coast"),
    "SG": ("Lion City", "Marina", "Straits"),
}

KIND_PHRASES: dict[str, tuple[str, ...]] = {
    "payroll": ("payroll bureau", "payroll outsourcing provider",
                "payroll and HR administration company"),
    "it-services": ("managed IT and helpdesk provider", "IT support company",
                    "managed service provider (MSP)"),
    "data-entry": ("data entry and document processing company", "data processing provider",
                   "back-office data services company"),
    "hr-recruitment": ("recruitment process outsourcing (RPO) firm", "staffing and recruitment agency",
                       "HR outsourcing and talent acquisition firm"),
    "finance-accounting": ("finance and accounting outsourcing firm",
                           "outsourced bookkeeping and accounting practice",
                           "F&A shared-services provider"),
    "customer-support": ("customer support outsourcing company", "multilingual contact centre",
                         "customer experience (CX) outsourcing partner"),
}

CLIENT_TYPES = (
    "mid-sized companies in North America and Europe", "SaaS companies and e-commerce brands",
    "healthcare providers and insurers", "accounting firms and their clients",
    "logistics and manufacturing groups", "start-ups and scale-ups",
    "retail chains and franchise networks", "professional-services firms",
    "fintech and payments companies", "hospitality and travel businesses",
    "non-profits and education providers", "private-equity portfolio companies",
)

SERVICE_SENTENCES: dict[str, tuple[str, ...]] = {
    "payroll": (
        "Our payroll processing covers gross-to-net calculation, statutory deductions, payslips, "
        "bank files and year-end filings.",
        "We run weekly, semi-monthly and monthly payroll cycles, import time and attendance data, "
        "and reconcile every run before sign-off.",
        "Multi-country payroll is coordinated by one team with a single point of contact and one "
        "consolidated report.",
        "Payroll tax filings, benefits deductions and garnishments are handled end to end, with "
        "a four-eyes check on every change.",
        "We integrate with HRIS platforms such as Workday, BambooHR, Personio and ADP, so new "
        "hires and leavers flow straight into payroll.",
    ),
    "it-services": (
        "Our helpdesk handles L1 and L2 tickets by phone, chat and e-mail, with escalation to L3 "
        "engineers for servers and networks.",
        "We manage Microsoft 365 and Google Workspace tenants, endpoint security, patching and "
        "device onboarding with Intune or Jamf.",
        "A 24/7 service desk monitors infrastructure, resolves incidents and reports monthly on "
        "first-contact resolution and SLA attainment.",
        "We take over user provisioning, password resets, software requests and hardware "
        "logistics for distributed teams.",
        "Our network operations centre watches firewalls, VPNs and cloud workloads on AWS and "
        "Azure around the clock.",
    ),
    "data-entry": (
        "We key and verify invoices, purchase orders, claim forms and survey responses with "
        "double-entry checks for 99.5% accuracy or better.",
        "Our document processing team digitises paper archives, indexes scanned files and "
        "extracts data into your ERP or CRM.",
        "Product catalogue data entry, listing updates and data cleansing are done in batches "
        "with 24-hour turnaround.",
        "We combine OCR with human verification, so handwritten forms and poor-quality scans "
        "still come back clean.",
        "CRM data hygiene, deduplication and enrichment are offered as a recurring monthly "
        "service.",
    ),
    "hr-recruitment": (
        "Our recruiters handle sourcing, screening and interview scheduling, and hand over a "
        "shortlist within five working days.",
        "We run recruitment process outsourcing for volume hiring in contact centres, "
        "logistics and retail.",
        "Onboarding, background checks, contracts and HR administration are handled by a "
        "dedicated team working in your ATS.",
        "Our talent acquisition specialists fill technical and finance roles, paid by the hour "
        "rather than by placement fee.",
        "We manage employer branding, job posting and candidate experience surveys as part of "
        "every recruitment engagement.",
    ),
    "finance-accounting": (
        "We do bookkeeping, bank reconciliations and month-end close in Xero, QuickBooks Online, "
        "NetSuite and Sage Intacct.",
        "Accounts payable and accounts receivable processing, including vendor onboarding and "
        "collections, is run to agreed cut-off times.",
        "Our accountants prepare management accounts, VAT and sales-tax returns, and audit "
        "schedules for your auditors.",
        "We support controllers with fixed-asset registers, accruals, intercompany "
        "reconciliations and cash-flow forecasting.",
        "Expense audits and payment runs are handled daily with full documentation for every "
        "approval.",
    ),
    "customer-support": (
        "Our agents answer e-mail, live chat and phone for consumer brands, working in Zendesk, "
        "Freshdesk, Intercom or Salesforce Service Cloud.",
        "We staff dedicated and shared support teams with QA scoring, weekly calibration and "
        "CSAT reporting.",
        "Omnichannel customer support runs 24/7 with follow-the-sun coverage and native-level "
        "agents.",
        "We handle order tracking, returns, billing questions and tier-1 technical support for "
        "e-commerce and SaaS companies.",
        "Our helpdesk agents are trained on your knowledge base before go-live and shadowed by a "
        "team lead for the first two weeks.",
    ),
}

SERVICE_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "payroll": (
        "End-to-end payroll processing: inputs, gross-to-net, payslips, bank files and filings.",
        "Monthly payroll with statutory reporting, year-end forms and an online payslip portal.",
        "Multi-country payroll with one consolidated report per cycle.",
        "Payroll plus benefits and leave administration, reconciled every run.",
    ),
    "it-services": (
        "L1/L2 helpdesk by phone, chat and e-mail with escalation to L3 engineers.",
        "Managed endpoints, Microsoft 365 administration, patching and security monitoring.",
        "24/7 service desk and NOC monitoring with monthly SLA reporting.",
        "User onboarding and offboarding, device logistics and software requests.",
    ),
    "data-entry": (
        "Invoice and purchase-order data entry with double verification.",
        "Document digitisation, indexing and data extraction into your systems.",
        "Catalogue, CRM and survey data entry with 24-hour turnaround.",
        "OCR plus human verification for forms and scanned records.",
    ),
    "hr-recruitment": (
        "Sourcing, screening and interview scheduling by dedicated recruiters.",
        "Recruitment process outsourcing for volume and specialist hiring.",
        "Onboarding, background checks and HR administration.",
        "Hourly-billed recruiters working inside your ATS.",
    ),
    "finance-accounting": (
        "Bookkeeping, reconciliations and month-end close.",
        "Accounts payable and receivable processing with daily payment runs.",
        "Management accounts, VAT/sales-tax returns and audit support.",
        "Controller support: accruals, fixed assets, intercompany and cash-flow forecasts.",
    ),
    "customer-support": (
        "E-mail, chat and phone support by trained, QA-scored agents.",
        "Dedicated support team with weekly calibration and CSAT reporting.",
        "24/7 omnichannel support with follow-the-sun coverage.",
        "Tier-1 technical and order support for e-commerce and SaaS.",
    ),
}

TAGLINES: dict[str, tuple[str, ...]] = {
    "payroll": (
        "Accurate payroll, on time every cycle",
        "Payroll processing and payslips from {city}",
        "Compliant payroll for teams of 20 to 5,000",
        "Multi-country payroll with one monthly invoice",
        "Payroll, benefits admin and year-end filings, done right",
        "Your payroll team in {country}",
    ),
    "it-services": (
        "24/7 helpdesk and device management from {city}",
        "L1-L3 IT support with 15-minute response",
        "Managed IT for growing teams: helpdesk, Microsoft 365, endpoints",
        "Service desk in {languages}",
        "IT support that closes tickets, not just logs them",
    ),
    "data-entry": (
        "Data entry at 99.5% accuracy, 24-hour turnaround",
        "Invoices, forms and catalogues keyed and verified",
        "Document processing and data extraction from {city}",
        "Clean data, double-checked by people",
        "High-volume data entry for finance and healthcare",
    ),
    "hr-recruitment": (
        "Recruiters by the hour, shortlists in five days",
        "RPO and volume hiring from {city}",
        "Sourcing, screening and onboarding for growing teams",
        "Talent acquisition without placement fees",
        "HR administration and recruitment in {languages}",
    ),
    "finance-accounting": (
        "Bookkeeping and month-end close you can rely on",
        "Outsourced accounting in Xero, QuickBooks and NetSuite",
        "AP, AR and reconciliations from {city}",
        "Finance and accounting support for controllers",
        "Your month-end close, five days faster",
    ),
    "customer-support": (
        "Customer support in {languages}, 24/7",
        "E-mail, chat and phone support from {city}",
        "CX teams that hit CSAT targets",
        "Dedicated support agents, trained on your product",
        "Omnichannel customer care with weekly QA",
    ),
}

TEAM_WORDS = ("specialists", "professionals", "analysts", "staff", "people", "experts")
COVERAGE_PHRASES = (
    "with cover across US and European business hours",
    "24/7 in three shifts",
    "during UK and Irish business hours",
    "on US Eastern and Central time",
    "across Asia-Pacific and European time zones",
    "with a night shift for North American clients",
)
COMPLIANCE_SENTENCES = (
    "We hold {certs} and run quarterly internal audits.",
    "Security and data protection are built in: {certs}, background-checked staff and "
    "role-based access to client systems.",
    "Our controls are certified to {certs}, and we share audit reports under NDA.",
)
CLOSING_SENTENCES = (
    "Most clients start with a paid pilot of four to six weeks before moving to a monthly "
    "contract.",
    "Pricing is transparent, with no setup fee on contracts of 12 months or more.",
    "We report our SLAs every month: turnaround, accuracy and first-contact resolution.",
    "Each client has a named account manager and a documented escalation path.",
    "Transitions usually take two to four weeks, including knowledge transfer and a parallel "
    "run.",
    "References from current clients are available on request.",
)

BUYER_COMPANY_HEADS = (
    "Northwind", "Riverside", "Bluegate", "Lakeshore", "Ironbridge", "Greenfield", "Westbrook",
    "Silverton", "Harbourview", "Kingsley", "Ashford", "Brookhaven", "Fairmont", "Oakmont",
    "Pinecrest", "Stonegate", "Sunridge", "Thornbury", "Whitmore", "Wrenfield", "Alder",
    "Bramble", "Castlegate", "Dunmore", "Eastgate", "Foxhall", "Glenwood", "Hollis", "Kensal",
    "Larkspur", "Millbrook", "Norcross", "Pembrook", "Quayside", "Rosewood", "Sandford",
)
BUYER_COMPANY_TAILS = (
    "Logistics", "Dental Group", "Insurance", "Retail", "Health Partners", "Manufacturing",
    "Foods", "Hospitality Group", "Property Management", "Software", "Analytics", "Clinics",
    "Freight", "Energy", "Home Services", "Apparel", "Pharmacy Group", "Media", "Legal Services",
    "Education Trust", "Capital", "Outdoor", "Biotech", "Engineering", "Marketplace",
    "Telecom", "Fitness", "Brewing Co.", "Automotive", "Travel",
)
BUYER_COUNTRIES = (("US", 55), ("GB", 15), ("CA", 7), ("AU", 6), ("IE", 4), ("DE", 5),
                   ("NL", 4), ("SG", 2), ("AE", 2))
BUYER_CURRENCY = {"US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "IE": "EUR", "DE": "EUR",
                  "NL": "EUR", "SG": "SGD", "AE": "USD"}
BUYER_PEOPLE = {"US": "en", "GB": "en", "CA": "en", "AU": "en", "IE": "en", "DE": "de",
                "NL": "de", "SG": "my", "AE": "eg"}

HRIS = ("BambooHR", "Workday", "Personio", "HiBob", "Gusto", "ADP Workforce Now",
        "SAP SuccessFactors", "Rippling")
LEDGERS = ("Xero", "QuickBooks Online", "NetSuite", "Sage Intacct", "Microsoft Dynamics 365",
           "SAP Business One")
HELPDESKS = ("Zendesk", "Freshdesk", "Intercom", "Salesforce Service Cloud", "Gorgias",
             "HubSpot Service Hub")
ATS = ("Greenhouse", "Lever", "Workable", "SmartRecruiters", "Teamtailor")
IT_STACKS = ("Microsoft 365 and Intune", "Google Workspace and Jamf", "Microsoft 365 and Jamf",
             "Google Workspace and Kandji", "Microsoft 365, Entra ID and Okta")
DOCUMENTS = ("supplier invoices", "insurance claim forms", "purchase orders",
             "patient intake forms", "survey responses", "product listings", "shipping manifests",
             "loan applications")
ROLES_TO_HIRE = ("customer service agents", "warehouse associates", "software engineers",
                 "sales development reps", "accountants", "registered nurses",
                 "field technicians", "store managers")
SUPPORT_CHANNELS = ("e-mail and chat", "phone, e-mail and chat", "chat only",
                    "phone and e-mail", "e-mail, chat and social media")
REGIONS = ("the US", "the UK", "the US and Canada", "Germany and Austria", "the EU",
           "Australia", "the UK and Ireland", "five US states", "three EU countries")

REQUEST_TITLES: dict[str, tuple[str, ...]] = {
    "payroll": (
        "Payroll processing for {q:,} employees in {region}",
        "Monthly payroll and payslips for {q:,} staff",
        "Outsource payroll for {q:,} employees from {hris}",
        "Multi-country payroll, {q:,} employees",
        "Payroll and year-end filings for {q:,} employees",
    ),
    "it-services": (
        "Helpdesk and desktop support for {q:,} users",
        "24/7 L1/L2 IT support for {q:,} users",
        "Managed IT for a {q:,}-user company",
        "Service desk for {q:,} remote employees",
        "Microsoft 365 and endpoint management for {q:,} users",
    ),
    "data-entry": (
        "Data entry of {documents}, about {q:,} records a month",
        "Digitise {q:,} {documents} per month",
        "Ongoing data entry: {q:,} records monthly",
        "Invoice and PO data capture, {q:,} documents a month",
    ),
    "hr-recruitment": (
        "Recruitment support: {q} FTE recruiters for {roles}",
        "RPO team of {q} FTE for volume hiring",
        "Onboarding and HR admin team ({q} FTE)",
        "Sourcers and screeners for {roles}, {q} FTE",
    ),
    "finance-accounting": (
        "Bookkeeping and month-end close, {q:,} hours a month",
        "Accounts payable processing, about {q:,} hours a month",
        "Outsourced accountant in {ledger}, {q:,} hours monthly",
        "AP/AR and reconciliations, {q:,} hours per month",
    ),
    "customer-support": (
        "Customer support team of {q} FTE ({channels})",
        "Bilingual customer support, {q} FTE",
        "24/7 support desk for an online store, {q} FTE",
        "Tier-1 support for a SaaS product, {q} FTE",
    ),
}

REQUEST_BODIES: dict[str, tuple[str, ...]] = {
    "payroll": (
        "We run payroll in-house today for {q:,} employees in {region}, paid {frequency}. We "
        "want a provider to take over the full cycle: time and attendance import, "
        "gross-to-net, payslips, tax filings and year-end. Our HRIS is {hris}.",
        "Our payroll team is one person and it is not sustainable. We need reliable processing "
        "for {q:,} employees, statutory reporting and a clear monthly timetable. Data comes "
        "from {hris}.",
    ),
    "it-services": (
        "We need helpdesk coverage for {q:,} users on {stack}. Today we log about {tickets:,} "
        "tickets a month, mostly password resets, access requests and laptop issues. We want "
        "L1/L2 cover with escalation to our internal team.",
        "Our internal IT team is stretched. Looking for a managed service for {q:,} users: "
        "service desk, onboarding and offboarding, patching and security monitoring on {stack}.",
    ),
    "data-entry": (
        "We receive about {q:,} {documents} a month that need to be keyed into our system. "
        "Accuracy target is 99.5% with 24-hour turnaround. Documents arrive as PDF scans.",
        "Ongoing data entry of {documents}: roughly {q:,} records a month, with peaks at "
        "quarter end. We need double verification and a daily summary report.",
    ),
    "hr-recruitment": (
        "We plan to hire around {hires} {roles} over the next year and need {q} FTE of "
        "recruiter capacity: sourcing, screening and interview scheduling inside {ats}.",
        "Looking for an RPO partner for {q} FTE: high-volume hiring of {roles}, with weekly "
        "pipeline reports. We use {ats}.",
    ),
    "finance-accounting": (
        "We need about {q:,} hours a month of bookkeeping: bank reconciliations, AP and AR, "
        "and month-end close in {ledger}. Close should finish by working day 5.",
        "Our finance team needs support with accounts payable (about {invoices:,} invoices a "
        "month), reconciliations and management accounts in {ledger}: roughly {q:,} hours a "
        "month.",
    ),
    "customer-support": (
        "We need {q} FTE of customer support over {channels}, in {helpdesk}. Volume is about "
        "{tickets:,} conversations a month; target first response under 2 hours and CSAT "
        "above 90%.",
        "Looking for a dedicated support team of {q} FTE for {channels}, covering {hours}. "
        "Agents will work in {helpdesk} and follow our macros and QA rubric.",
    ),
}
PAY_FREQUENCIES = ("monthly", "semi-monthly", "bi-weekly", "weekly and monthly")
COVER_HOURS = ("US business hours", "24/7", "UK business hours plus Saturdays",
               "7am to 11pm Eastern, seven days a week")

QUOTE_NOTES = (
    "Price includes onboarding, process documentation and a parallel run in the first month.",
    "The setup fee covers two weeks of knowledge transfer and integration with your systems.",
    "The minimum monthly fee applies for the first six months only.",
    "Volume discount of 5% above the quoted quantity; unused hours do not roll over.",
    "We would assign a dedicated team lead and a backup for holidays at no extra charge.",
    "SLA credits of 5% of the monthly fee apply for each missed turnaround target.",
    "Quote assumes inputs arrive by the agreed cut-off; rush handling is billed separately.",
    "Price is fixed for the whole contract term; no indexation in the first 12 months.",
    "",
    "",
)
REVISION_NOTES = (
    "Revised after our call: lower unit price for a longer term.",
    "Updated to include year-end filings at no extra charge.",
    "Revised: setup fee waived if the contract is signed this month.",
    "Updated quote with the volumes you confirmed by message.",
    "Revised to match the SLA you asked for (24-hour turnaround).",
)
DECLINE_REASONS = (
    "We are at capacity until next quarter.",
    "This is outside our core services.",
    "The volume is below our minimum engagement.",
    "We do not cover the required language.",
    "We cannot meet the start date.",
    "We do not hold the certifications you require.",
)

BUYER_QUESTIONS: dict[str, tuple[str, ...]] = {
    "payroll": (
        "Does your price include year-end filings and amended payslips?",
        "Can you take inputs directly from {hris}, or do we need to export files?",
        "How do you handle off-cycle payments and terminations mid-month?",
    ),
    "it-services": (
        "Is on-site support included, or remote only?",
        "What is your response time for priority-1 incidents outside business hours?",
        "Do you work inside our ticketing tool or your own?",
    ),
    "data-entry": (
        "Can you handle handwritten forms, or only typed documents?",
        "How do you measure accuracy, and what happens when you miss the target?",
        "Can you start with a test batch of 500 records?",
    ),
    "hr-recruitment": (
        "Are your recruiters dedicated to us or shared with other clients?",
        "Do you run background checks yourselves or through a partner?",
        "Can you work inside our ATS with our own templates?",
    ),
    "finance-accounting": (
        "Who reviews the month-end close before it comes to us?",
        "Do you have experience with multi-entity consolidation?",
        "Can you work in our {ledger} instance with restricted permissions?",
    ),
    "customer-support": (
        "How long does it take to train agents on a new product?",
        "Can you cover Christmas peak with extra agents at short notice?",
        "What QA process do you use, and can we see the scorecards?",
    ),
}
VENDOR_ANSWERS = (
    "Yes, that is included in the quoted price. I have added a line to the notes to make it "
    "explicit.",
    "Good question. We do this for most clients; happy to walk you through our process on a "
    "20-minute call this week.",
    "We can start with a pilot to prove it. I'll send our standard pilot plan by e-mail.",
    "That is covered by our standard SLA; the details are in section 3 of the proposal.",
    "We can do that. It adds about two weeks to the transition but no extra cost.",
    "Not today, but we can subcontract it to a partner we have worked with for years.",
)
BUYER_FOLLOWUPS = (
    "Thanks, that helps. We will decide after the deadline.",
    "Great, please keep the price valid until the end of the month.",
    "Understood. Could you also share two client references?",
    "Thank you. We'll compare the quotes and come back to you.",
)
VENDOR_OPENERS = (
    "Thanks for the invitation. We have a few questions about volumes before we quote.",
    "Hello, thank you for considering us. Our quote is attached; happy to discuss the details.",
    "Thanks for reaching out. Could you share a sample of the input files?",
)

REVIEW_TITLES = {
    5: ("Excellent partner from day one", "Smooth transition and zero errors",
        "Exactly what we needed", "Best decision we made this year", "Reliable and responsive"),
    4: ("Solid service, minor hiccups", "Good value for money", "Would hire again",
        "Dependable team", "Happy overall"),
    3: ("Decent, but needed chasing", "Average experience", "Okay once things settled",
        "Mixed results"),
    2: ("Slow to respond", "Too many errors in the first months", "Not what was promised"),
    1: ("Would not recommend", "Missed every deadline"),
}
REVIEW_BODIES: dict[int, tuple[str, ...]] = {
    5: (
        "The team took over our {service} in under a month and we have not had a single "
        "error since. Communication is quick and they flag issues before we notice them.",
        "{vendor} did exactly what they quoted, at the price they quoted. The account manager "
        "knows our business and the monthly reports are clear.",
        "We compared four vendors and chose {vendor} on price and SLA. Six months in, they "
        "have beaten the turnaround target every month.",
    ),
    4: (
        "Good {service} at a fair price. Onboarding took a little longer than planned, but "
        "since then the work has been accurate and on time.",
        "{vendor} is responsive and easy to work with. A couple of small mistakes early on "
        "were fixed quickly and have not come back.",
        "Solid team and good value. Reporting could be more detailed, but the core "
        "{service} is reliable.",
    ),
    3: (
        "The {service} itself is fine, but we had to chase for answers more than we "
        "expected. It improved after we escalated.",
        "Mixed experience: the price was good, but staff turnover meant we retrained people "
        "twice in the first quarter.",
    ),
    2: (
        "Turnaround targets were missed in three of the first four months, and corrections "
        "took days. Better now, but it cost us time.",
        "The quote looked good, but extra charges appeared on every invoice. {service} quality "
        "was acceptable.",
    ),
    1: (
        "We ended the contract after three months: deadlines missed, errors in every batch, "
        "and no account manager reply for weeks.",
    ),
}
SERVICE_NOUNS = {
    "payroll": "payroll processing",
    "it-services": "helpdesk support",
    "data-entry": "data entry",
    "hr-recruitment": "recruitment support",
    "finance-accounting": "bookkeeping",
    "customer-support": "customer support",
}
VENDOR_REPLIES = (
    "Thank you for the kind words. It is a pleasure working with your team.",
    "Thanks for the feedback. We have since added a second reviewer to every batch.",
    "We appreciate the review and the honest comments on onboarding; we have shortened our "
    "transition plan as a result.",
    "Thank you! We'll pass this on to the team.",
)
REVIEW_REJECT_NOTES = (
    "Contains personal data about named staff members.",
    "Not about the awarded work; describes a different engagement.",
    "Contains contact details and a sales pitch.",
)

VENDOR_FLAG_REASONS = (
    "The profile claims ISO 27001, but the certificate number is not in the certification "
    "body's register.",
    "The description copies text word for word from another vendor's website.",
    "The listed office address appears to be a virtual office.",
    "The vendor asked us to pay a deposit outside the platform.",
    "Team size looks inflated: the company's public filings show five employees.",
)
REVIEW_FLAG_REASONS = (
    "This review names one of our staff members in full.",
    "We never worked with this buyer on this project; the review describes another vendor.",
    "The review contains a competitor's phone number.",
    "Looks like a competitor posted this review.",
)
REJECT_REASONS = (
    "Incomplete profile: no services or pricing listed.",
    "We could not verify the company registration you provided.",
    "The website on the profile does not belong to the company.",
)
SUSPEND_REASONS = (
    "Suspended while we investigate certification claims that could not be verified.",
    "Repeated complaints about quotes that were not honoured.",
    "Suspended at the vendor's request during a company restructuring.",
)

CERT_EVIDENCE = (
    "Certificate {ref} checked against the certification body's public register.",
    "Audit report {ref} reviewed under NDA; scope covers the delivery centre.",
    "Attestation letter {ref} from the auditor, checked by phone.",
)
