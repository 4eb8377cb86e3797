"""The skills ``jobsearch.extract_skills`` recognizes offline: canonical name, category, spellings.

Spellings are regular-expression alternatives matched as whole words, case-insensitively;
those in the last column are matched case-sensitively because the word is also plain English
("Go", "React", "Swift", "Excel", "R"). Extend it freely: a name appears once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (name, category, case-insensitive spellings, case-sensitive spellings)
_TABLE: tuple[tuple[str, str, str, str], ...] = (
    # languages
    ("Python", "language", r"python", ""),
    ("JavaScript", "language", r"javascript|ecmascript|es6", r"JS"),
    ("TypeScript", "language", r"typescript", r"TS"),
    ("Java", "language", r"java(?!\s*script)", ""),
    ("Kotlin", "language", r"kotlin", ""),
    ("Scala", "language", r"scala", ""),
    ("Go", "language", r"golang", r"Go(?![-\u2019']| to\b| beyond\b)"),
    ("Rust", "language", r"", r"Rust"),
    ("C", "language", r"", r"(?<!Series )(?<!Vitamin )C(?![-+#\u2019'])"),
    ("C++", "language", r"c\+\+|cpp", ""),
    ("C#", "language", r"c#|c sharp", ""),
    ("Ruby", "language", r"ruby(?! on rails)", ""),
    ("PHP", "language", r"php", ""),
    ("Swift", "language", r"", r"Swift"),
    ("Objective-C", "language", r"objective-c", ""),
    ("R", "language", r"", r"R(?![&'\u2019-])"),
    ("SQL", "language", r"sql", ""),
    ("Bash", "language", r"bash|shell scripting", ""),
    ("Elixir", "language", r"elixir", ""),
    ("Haskell", "language", r"haskell", ""),
    ("Dart", "language", r"dart", ""),
    ("Perl", "language", r"perl", ""),
    ("MATLAB", "language", r"matlab", ""),
    # frontend
    ("React", "frontend", r"react\.?js|reactjs", r"React(?! Native)"),
    ("Vue", "frontend", r"vue(?:\.?js)?", ""),
    ("Angular", "frontend", r"angular(?:js)?", ""),
    ("Svelte", "frontend", r"svelte(?:kit)?", ""),
    ("Next.js", "frontend", r"next\.?js", ""),
    ("HTML", "frontend", r"html5?", ""),
    ("CSS", "frontend", r"css3?|sass|scss", ""),
    ("Tailwind CSS", "frontend", r"tailwind(?: css)?", ""),
    ("Redux", "frontend", r"redux", ""),
    ("Webpack", "frontend", r"webpack|vite", ""),
    ("Accessibility", "frontend", r"accessibility|wcag|a11y", ""),
    # backend
    ("Node.js", "backend", r"node\.?js|nodejs", r"Node"),
    ("Django", "backend", r"django", ""),
    ("Flask", "backend", r"flask", ""),
    ("FastAPI", "backend", r"fastapi", ""),
    ("Spring", "backend", r"spring boot", r"Spring(?! (?:19|20)\d\d)"),
    ("Ruby on Rails", "backend", r"ruby on rails", r"Rails"),
    (".NET", "backend", r"\.net(?: core)?|asp\.net", ""),
    ("Express", "backend", r"express\.js|expressjs", r"Express"),
    ("Laravel", "backend", r"laravel", ""),
    ("GraphQL", "backend", r"graphql", ""),
    ("REST APIs", "backend", r"restful(?: apis?| services)?|api design", r"REST(?: APIs?)?"),
    ("gRPC", "backend", r"grpc|protobuf|protocol buffers", ""),
    ("Microservices", "backend", r"micro-?services?", ""),
    ("Event-driven architecture", "backend", r"event[- ]driven(?: architecture)?|event sourcing",
     ""),
    ("Kafka", "backend", r"kafka", ""),
    ("RabbitMQ", "backend", r"rabbitmq", ""),
    ("Celery", "backend", r"celery", ""),
    # databases
    ("PostgreSQL", "database", r"postgres(?:ql)?", ""),
    ("MySQL", "database", r"mysql|mariadb", ""),
    ("MongoDB", "database", r"mongo(?:db)?", ""),
    ("Redis", "database", r"redis", ""),
    ("Elasticsearch", "database", r"elastic ?search|opensearch", ""),
    ("DynamoDB", "database", r"dynamo ?db", ""),
    ("Cassandra", "database", r"cassandra", ""),
    ("SQLite", "database", r"sqlite", ""),
    ("Snowflake", "database", r"snowflake", ""),
    ("BigQuery", "database", r"big ?query", ""),
    ("Oracle Database", "database", r"oracle(?: db| database)?", ""),
    ("SQL Server", "database", r"sql server|mssql|t-sql", ""),
    # cloud and devops
    ("AWS", "cloud", r"aws|amazon web services|ec2|s3|lambda", ""),
    ("Google Cloud", "cloud", r"gcp|google cloud(?: platform)?", ""),
    ("Azure", "cloud", r"azure", ""),
    ("Docker", "devops", r"docker|containers?", ""),
    ("Kubernetes", "devops", r"kubernetes|k8s|helm", ""),
    ("Terraform", "devops", r"terraform|infrastructure as code|iac", ""),
    ("Ansible", "devops", r"ansible", ""),
    ("CI/CD", "devops", r"ci/cd|ci ?cd|continuous (?:integration|delivery|deployment)|"
                        r"github actions|gitlab ci|jenkins|circleci", ""),
    ("Linux", "devops", r"linux|unix", ""),
    ("Observability", "devops", r"observability|monitoring|prometheus|grafana|datadog|"
                                r"opentelemetry|new relic", ""),
    ("On-call", "devops", r"on-?call|incident response|incident management", ""),
    ("Site reliability", "devops", r"sre|site reliability(?: engineering)?", ""),
    ("Nginx", "devops", r"nginx", ""),
    ("Git", "tool", r"git|github|gitlab|bitbucket", ""),
    # data and machine learning
    ("Machine learning", "data", r"machine learning|ml(?!\w)|deep learning", ""),
    ("LLMs", "data", r"llms?|large language models?|generative ai|genai|prompt engineering", ""),
    ("NLP", "data", r"nlp|natural language processing", ""),
    ("Computer vision", "data", r"computer vision", ""),
    ("PyTorch", "data", r"pytorch|torch", ""),
    ("TensorFlow", "data", r"tensorflow|keras", ""),
    ("scikit-learn", "data", r"scikit-learn|sklearn", ""),
    ("pandas", "data", r"pandas", ""),
    ("NumPy", "data", r"numpy", ""),
    ("Spark", "data", r"pyspark|apache spark", r"Spark"),
    ("Airflow", "data", r"airflow", ""),
    ("dbt", "data", r"dbt", ""),
    ("Data engineering", "data", r"data engineering|etl|elt|data pipelines?", ""),
    ("Data analysis", "data", r"data analysis|data analysts?|data analytics|analytics", ""),
    ("Statistics", "data", r"statistics|statistical|a/b test(?:ing|s)?|experimentation", ""),
    ("Tableau", "data", r"tableau", ""),
    ("Power BI", "data", r"power ?bi", ""),
    ("Looker", "data", r"looker", ""),
    ("Excel", "data", r"spreadsheets?|google sheets", r"Excel"),
    # mobile
    ("iOS", "mobile", r"ios", ""),
    ("Android", "mobile", r"android", ""),
    ("React Native", "mobile", r"react native", ""),
    ("Flutter", "mobile", r"flutter", ""),
    # quality
    ("Automated testing", "quality", r"unit tests?|unit testing|integration tests?|"
                                    r"automated tests?|test automation|pytest|jest|junit", ""),
    ("TDD", "quality", r"tdd|test[- ]driven development", ""),
    ("Selenium", "quality", r"selenium|playwright|cypress", ""),
    ("Security", "quality", r"application security|appsec|owasp|security", ""),
    ("Performance tuning", "quality", r"performance tuning|performance optimi[sz]ation|"
                                     r"profiling|load testing", ""),
    # practices
    ("System design", "practice", r"system design|software architecture|solution architecture", ""),
    ("Distributed systems", "practice", r"distributed systems?", ""),
    ("Scalability", "practice", r"scalab(?:le|ility)|high[- ]availability|at scale", ""),
    ("Agile", "practice", r"agile|scrum|kanban|sprints?", ""),
    ("Code review", "practice", r"code reviews?", ""),
    ("Technical writing", "practice", r"technical writing|documentation", ""),
    ("Product management", "product", r"product management|product manager|product sense|"
                                      r"product strategy", ""),
    ("Roadmapping", "product", r"road ?maps?|roadmapping", ""),
    ("User research", "design", r"user research|ux research|usability testing|user interviews",
     ""),
    ("UX design", "design", r"ux(?: design)?|user experience|interaction design", ""),
    ("UI design", "design", r"ui design|visual design|design systems?", ""),
    ("Figma", "design", r"figma", ""),
    ("Sketch", "design", r"", r"Sketch"),
    ("Adobe Creative Suite", "design", r"photoshop|illustrator|adobe xd|indesign|"
                                       r"adobe creative (?:suite|cloud)", ""),
    ("Jira", "tool", r"jira", ""),
    ("Confluence", "tool", r"confluence", ""),
    ("Salesforce", "business", r"salesforce", ""),
    ("HubSpot", "business", r"hubspot", ""),
    ("SEO", "business", r"seo|search engine optimi[sz]ation", ""),
    ("Google Analytics", "business", r"google analytics|ga4", ""),
    ("Content marketing", "business", r"content marketing|content strategy|copywriting", ""),
    ("Sales", "business", r"b2b sales|saas sales|sales pipeline|prospecting|closing deals|"
                          r"quota", ""),
    ("Account management", "business", r"account management|customer success", ""),
    ("Financial modeling", "business", r"financial model(?:l)?ing|forecasting|budgeting", ""),
    ("Project management", "business", r"project management|pmp|program management", ""),
    # people skills
    ("Leadership", "soft", r"leadership|lead(?:ing)? (?:a |the )?teams?|people management|"
                           r"managing engineers", ""),
    ("Mentoring", "soft", r"mentor(?:ing|ship)?|coaching", ""),
    ("Communication", "soft", r"communication(?: skills)?|communicator|presentation skills|"
                              r"public speaking", ""),
    ("Collaboration", "soft", r"collaborat(?:e|ion|ive)|cross-functional|teamwork", ""),
    ("Stakeholder management", "soft", r"stakeholders?(?: management)?", ""),
    ("Problem solving", "soft", r"problem[- ]solving|analytical skills", ""),
    ("Ownership", "soft", r"ownership|self-starter|autonomy|autonomous", ""),
    ("Negotiation", "soft", r"negotiat(?:ion|ing|e)", ""),
)

_BEFORE = r"(?<![A-Za-z0-9_+#./-])"
_AFTER = r"(?![A-Za-z0-9_+#]|\.[A-Za-z0-9])"


@dataclass(frozen=True)
class Skill:
    name: str
    category: str
    pattern: re.Pattern[str]


def _compile(insensitive: str, sensitive: str) -> re.Pattern[str]:
    parts = []
    if insensitive:
        parts.append(f"(?i:{insensitive})")
    if sensitive:
        parts.append(f"(?:{sensitive})")
    return re.compile(f"{_BEFORE}(?:{'|'.join(parts)}){_AFTER}")


SKILLS: tuple[Skill, ...] = tuple(Skill(name, category, _compile(ci, cs))
                                  for name, category, ci, cs in _TABLE)
CATEGORIES = tuple(dict.fromkeys(skill.category for skill in SKILLS))
