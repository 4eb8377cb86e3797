"""The starter question bank, written for this project (not copied from anywhere).

One line per question: ``tags | text``. Tags are focus-area codes (see ``FOCUS_CODES``) and
``@role`` markers (``@eng``, ``@pm``, ``@data``, ``@design``, ``@mgr``, ``@sales``,
``@ops``) used for the curated groups; a question without a role marker suits any role.
Kept as Python so the bank ships with the package without package data.
"""

from __future__ import annotations

FOCUS_CODES = {
    "dsa": "data_structures_algorithms", "lead": "leadership_management",
    "prob": "problem_solving", "comm": "communication", "sysd": "system_design",
    "team": "collaboration_teamwork", "conf": "conflict_resolution", "fail": "failure_learning",
    "init": "initiative_ownership", "time": "time_management", "adapt": "adaptability",
    "cust": "customer_focus", "tech": "technical_depth", "prod": "product_sense", "design": "product_sense",
}

BEHAVIORAL = """
lead | Tell me about a time you led a team through a significant change.
lead init | Describe a project you led from idea to launch. What was your role at each stage?
lead @mgr | Tell me about a time you had to give difficult feedback to someone on your team.
lead @mgr | Describe a time you helped an underperforming team member improve.
lead @mgr | Tell me about a hire you made that did not work out. What did you do?
lead | Tell me about a time you had to make a decision without your manager's input.
lead team | Describe a time you motivated a team that had lost momentum.
lead | Tell me about a time you led without formal authority.
lead @mgr | How have you grown someone on your team into a bigger role? Give an example.
lead | Tell me about a time you set a direction that others disagreed with at first.
lead @mgr | Describe a time you had to deliver bad news to your team.
lead time | Tell me about a time you had to say no to a request from leadership.
conf | Tell me about a time you disagreed with a coworker. How did you resolve it?
conf | Describe a conflict between two people on your team and how you handled it.
conf cust | Tell me about a time you dealt with a difficult customer or stakeholder.
conf | Tell me about a time you disagreed with your manager's decision.
conf team | Describe a time two teams had competing priorities that affected your work.
conf comm | Tell me about a time you had to push back on a senior stakeholder.
conf | Describe a time someone took credit for your work. What did you do?
conf | Tell me about a time your idea was rejected. How did you respond?
fail | Tell me about a time you failed. What did you learn?
fail | Describe a mistake you made at work and how you fixed it.
fail | Tell me about a project that did not go as planned.
fail | Tell me about a time you missed a deadline.
fail init | Describe a time you took a risk that did not pay off.
fail comm | Tell me about feedback you received that was hard to hear. What did you change?
fail | Tell me about a decision you would make differently today.
init | Tell me about a time you went beyond what was asked of you.
init | Describe a process you improved without being asked.
init prob | Tell me about a time you spotted a problem before anyone else did.
init | Tell me about something you built or started on your own initiative.
init | Describe a time you took ownership of a problem outside your area.
init | Tell me about a time you automated a repetitive task.
init adapt | Tell me about a time you taught yourself a new skill to get something done.
team | Tell me about a time you worked with a team to achieve a difficult goal.
team | Describe a time you helped a teammate who was struggling.
team comm | Tell me about a time you worked with people from very different backgrounds or functions.
team | Describe a time you had to rely on others to finish your work.
team | Tell me about your best experience working on a team. What made it work?
team | Tell me about a time you had to work with someone you did not get along with.
team @eng | Describe a time you collaborated closely with product or design on a feature.
comm | Tell me about a time you explained a complex idea to a non-expert audience.
comm | Describe a presentation you gave that went well. How did you prepare?
comm | Tell me about a time a miscommunication caused a problem. What did you do?
comm | Describe a time you had to persuade people to adopt your approach.
comm | Tell me about a time you wrote a document that changed a decision.
comm cust | Tell me about a time you had to manage expectations with a stakeholder.
prob | Tell me about the hardest problem you have solved at work.
prob | Describe a time you solved a problem with incomplete information.
prob tech @eng | Tell me about the most difficult bug you have tracked down.
prob | Tell me about a time you used data to make a decision.
prob | Describe a time you found a simple solution to a complicated problem.
prob adapt | Tell me about a time the first solution you tried did not work.
time | Tell me about a time you had to deliver under a tight deadline.
time | Describe a time you juggled several competing priorities.
time | Tell me about a time you had to cut scope to ship on time.
time | How do you decide what to work on when everything seems urgent? Give an example.
time | Tell me about a time you were overloaded. How did you handle it?
adapt | Tell me about a time priorities changed suddenly in the middle of a project.
adapt | Describe a time you had to learn a new domain quickly.
adapt | Tell me about a time you worked through a reorganization or a change of manager.
adapt | Describe a time you worked with a lot of ambiguity.
cust | Tell me about a time you went out of your way for a customer.
cust | Describe a time customer feedback changed what you built or did.
cust @sales | Tell me about a deal you lost. What did you learn?
cust @sales | Tell me about the biggest deal you closed and how you did it.
cust @ops | Describe a time you handled an escalation from an unhappy client.
prod @pm | Tell me about a product decision you made that you are proud of.
prod @pm | Tell me about a feature you decided not to build and why.
prod @pm | Describe a launch that did not meet its goals. What did you do next?
tech @eng | Tell me about a technical decision you made that you later regretted.
tech @eng | Describe the system you know best and a change you made to it.
tech @data | Tell me about an analysis that changed a business decision.
tech @data | Describe a time your data was wrong or incomplete. How did you find out?
design @design | Tell me about a time user research changed your design.
design @design | Describe a time you defended a design decision to stakeholders.
lead @mgr | Tell me about a time you had to let someone go or move them off a project.
team @mgr | How did you build trust with a new team you inherited? Give an example.
"""

SITUATIONAL = """
conf | What would you do if a teammate kept missing deadlines that affected your work?
conf | How would you handle a disagreement with your manager about a project's direction?
conf | Two senior stakeholders ask for opposite things. What do you do?
conf team | A colleague criticizes your work in a meeting. How do you respond?
time | You have three urgent tasks and time for one. How do you decide?
time | Your project is two weeks behind with one week left. What do you do?
time | Your manager adds a new high-priority project to a full plate. How do you respond?
time | How would you plan your first 30, 60 and 90 days in this role?
prob | You are asked to solve a problem you have never seen before. Walk me through your first steps.
prob | A key metric dropped 20% overnight. How do you investigate?
prob tech @eng | Production is down and you are on call. What do you do in the first fifteen minutes?
prob tech @eng | A service you own is getting slower every week. How do you find out why?
prob @data | A dashboard shows numbers that stakeholders say are wrong. How do you proceed?
prob @data | You are given a dataset with many missing values. What do you do?
comm | You need to explain a delay to a client who is already unhappy. What do you say?
comm | How would you get buy-in for an idea from a team that is skeptical?
comm | You discover a mistake in a report already sent to leadership. What do you do?
comm @eng | How would you explain technical debt to a non-technical executive?
lead | You join a team with low morale. What do you do in your first month?
lead @mgr | Two of your strongest engineers want the same promotion and only one can get it. What do you do?
lead @mgr | A high performer on your team is rude to colleagues. How do you handle it?
lead @mgr | Your team is asked to commit to a deadline you believe is unrealistic. What do you do?
lead | You are asked to lead a project in an area you know little about. How do you start?
team | A teammate asks for help while you are under pressure to finish your own work. What do you do?
team | You notice a colleague cutting corners on quality. How do you handle it?
team | How would you onboard yourself onto a team that has little documentation?
init | You see a process everyone complains about but nobody owns. What do you do?
init | You finish your work early in the sprint. What do you do with the time?
adapt | Halfway through a project, the requirements change completely. How do you respond?
adapt | Your company changes strategy and your project is cancelled. What do you do next?
adapt | You are asked to use a tool or language you have never used, starting tomorrow. How do you prepare?
cust | A customer asks for a feature that would help them but not other customers. What do you do?
cust | A customer is angry about a problem that is not your team's fault. How do you handle it?
cust @sales | A prospect says your price is too high. How do you respond?
cust @sales | A champion at a customer leaves in the middle of a deal. What do you do?
cust @ops | Two customers need your help at the same time and both are urgent. How do you choose?
prod @pm | Engineering says a feature will take three times longer than planned. What do you do?
prod @pm | Sales wants a feature for one big customer that conflicts with the roadmap. How do you decide?
prod @pm | Usage of a feature you launched is far below target after a month. What do you do?
design @design | Stakeholders disagree with your design and want their own. How do you handle it?
design @design | You have one week to design a feature that needs user research. What do you do?
tech @eng | You disagree with a code review comment from a senior engineer. What do you do?
tech @eng | You inherit a codebase with no tests and a release next week. What do you do?
tech @eng | A teammate proposes a new framework you think is a bad fit. How do you respond?
fail | You realize a decision you made last month was wrong. What do you do?
fail | Your manager gives you feedback you disagree with. How do you respond?
comm team | You are working remotely with a team in three time zones. How do you keep everyone aligned?
time init | You are given a project with no clear goal. How do you define success?
prob cust | Support tickets about one feature doubled this week. How do you find the cause?
lead comm | You need to announce a decision that most of the team will not like. How do you do it?
"""

CULTURE_FIT = """
comm | Tell me about yourself.
init | Why do you want to work here?
init | Why are you interested in this role?
adapt | Why are you leaving your current job?
init | Where do you see yourself in three to five years?
comm | What are your greatest strengths?
fail | What is a weakness you are working on?
team | What kind of team environment do you do your best work in?
lead | How would your last manager describe you?
team | How would your teammates describe you?
init | What motivates you at work?
adapt | How do you handle stress and pressure?
comm | How do you prefer to receive feedback?
team | What does a good manager do for you?
init | What is the most interesting thing you have worked on recently?
cust | What do you know about our product and our customers?
init | What would you want to accomplish in your first year here?
adapt | Describe the work culture where you have been happiest.
init | What are you learning right now, outside of work requirements?
team | How do you build relationships with new colleagues?
conf | How do you handle working with people whose style differs from yours?
time | How do you organize your week?
comm | How do you keep your stakeholders informed?
adapt | How do you feel about working in a fast-changing environment?
fail | Tell me about a time you were wrong. How did you realize it?
lead | What does leadership mean to you?
team | What makes a team succeed, in your experience?
init | What would make you turn down an offer from us?
cust | Who do you think our biggest competitors are, and what do we do better?
init | What is one thing you would change about your current role?
comm | What questions do you have for us?
adapt | How do you approach a role where the scope is not fully defined?
team | How do you contribute to an inclusive team?
init | What does doing great work look like to you?
prod | Which product do you admire, and why?
lead @mgr | How would you describe your management style?
lead @mgr | How do you decide what your team should not do?
tech @eng | How do you stay current with technology?
tech @eng | What does good engineering culture look like to you?
design @design | Whose design work inspires you, and why?
cust @sales | What keeps you motivated after a string of lost deals?
"""

TECHNICAL = """
dsa @eng | Explain the difference between an array and a linked list, and when you would use each.
dsa @eng | How does a hash table work, and what happens on a collision?
dsa @eng | Find the two numbers in an array that add up to a target. What is the time complexity?
dsa @eng | How would you detect a cycle in a linked list?
dsa @eng | Reverse a linked list, iteratively and recursively.
dsa @eng | Explain binary search and its edge cases.
dsa @eng | How would you find the k most frequent elements in a list?
dsa @eng | Explain the difference between breadth-first and depth-first search.
dsa @eng | How would you check whether a binary tree is a valid binary search tree?
dsa @eng | Merge k sorted lists. What is the complexity of your approach?
dsa @eng | Find the longest substring without repeating characters.
dsa @eng | Explain dynamic programming with an example problem.
dsa @eng | How would you implement an LRU cache?
dsa @eng | Explain how a heap works and give two uses for one.
dsa @eng | Find the shortest path between two nodes in a weighted graph.
dsa @eng | Detect whether a string is a permutation of a palindrome.
dsa @eng | Explain the time and space complexity of quicksort and mergesort.
dsa @eng | Serialize and deserialize a binary tree.
dsa @eng | Find the number of islands in a grid of land and water.
dsa @eng | Explain what a trie is and when you would use one.
dsa @eng | Given intervals, merge all overlapping ones.
dsa @eng | How would you schedule tasks with dependencies between them?
tech @eng | What happens when you type a URL into a browser and press Enter?
tech @eng | Explain the difference between processes and threads.
tech @eng | What is a race condition, and how do you prevent one?
tech @eng | Explain how database indexes work and when they hurt performance.
tech @eng | What are transactions and isolation levels in a relational database?
tech @eng | Compare SQL and NoSQL databases. When would you choose each?
tech @eng | What is the difference between REST and GraphQL?
tech @eng | Explain how HTTPS keeps a connection secure.
tech @eng | How does garbage collection work in a language you know well?
tech @eng | What is idempotency, and why does it matter in APIs?
tech @eng | How would you design the error handling of a web API?
tech @eng | Explain eventual consistency with an example.
tech @eng | How do you decide what to test, and at which level?
tech @eng | What is dependency injection, and why use it?
tech @eng | Explain the CAP theorem in practical terms.
tech @eng | How would you find and fix a memory leak in a service?
tech @eng | What makes code easy to review?
tech @eng | Explain how you would safely roll out a database schema change.
tech @eng | What is the difference between authentication and authorization?
tech @eng | How would you store passwords securely?
tech @eng | Explain what a message queue is and when to use one.
tech @eng | How do you approach optimizing a slow SQL query?
tech @eng | What is a container, and how is it different from a virtual machine?
tech @eng | Describe how you would set up continuous integration and delivery for a new service.
tech @eng | How would you debug a test that fails only sometimes?
tech @eng | Explain asynchronous programming and when it helps.
tech @data | Explain the difference between a left join and an inner join.
tech @data | Write a SQL query to find the second highest salary in each department.
tech @data | How do you handle missing data in an analysis?
tech @data | Explain overfitting and how you guard against it.
tech @data | What is the difference between precision and recall? When does each matter?
tech @data | How would you design an A/B test for a new checkout flow?
tech @data | Explain p-values to a product manager.
tech @data | What is a window function in SQL? Give an example.
tech @data | How would you detect outliers in a dataset?
tech @data | Explain the bias-variance trade-off.
tech @data | How would you build a model to predict customer churn?
tech @data | What would you check before trusting a metric on a dashboard?
tech @data | How do you choose between a simple model and a complex one?
tech @data | Explain how you would build a reliable daily data pipeline.
design @design | Walk me through your design process on a recent project.
design @design | How do you decide between two design options when data is inconclusive?
design @design | How do you make a design accessible?
design @design | How do you work with engineers when a design cannot be built as specified?
"""

SYSTEM_DESIGN = """
sysd @eng | Design a URL shortener.
sysd @eng | Design a rate limiter for a public API.
sysd @eng | Design a news feed for a social network.
sysd @eng | Design a chat application that supports group conversations.
sysd @eng | Design a notification system that sends email, SMS and push messages.
sysd @eng | Design a file storage and sharing service.
sysd @eng | Design a web crawler.
sysd @eng | Design a ride-sharing dispatch system.
sysd @eng | Design a video streaming platform.
sysd @eng | Design a search autocomplete service.
sysd @eng | Design an online booking system that prevents double bookings.
sysd @eng | Design a payment processing system.
sysd @eng | Design a distributed cache.
sysd @eng | Design a metrics and monitoring system.
sysd @eng | Design a job scheduler that runs millions of tasks a day.
sysd @eng | Design a collaborative document editor.
sysd @eng | Design an e-commerce checkout that survives traffic spikes.
sysd @eng | Design a leaderboard for an online game.
sysd @eng | Design a key-value store.
sysd @eng | Design a system to detect fraudulent transactions in real time.
sysd @eng | Design a recommendation service for an online store.
sysd @eng | Design a ticketing system for concert sales.
sysd @eng | Design an API gateway.
sysd @eng | Design a logging pipeline for hundreds of services.
sysd @eng | Design a feature flag service.
sysd @eng | Design a photo sharing service.
sysd @eng | Design a parking garage reservation system.
sysd @eng | Design an email delivery service with retries and unsubscribes.
sysd @eng | Design a system to process uploaded resumes and extract skills.
sysd @eng | Design a calendar service with reminders.
sysd @eng | How would you scale a service from one thousand to ten million users?
sysd @eng | How would you migrate a monolith to services without downtime?
sysd @eng | How would you make a system highly available across regions?
sysd @eng | How would you design a data model for a multi-tenant SaaS product?
sysd @data | Design a data warehouse for an online marketplace.
sysd @data | Design a real-time analytics pipeline for clickstream events.
sysd @data | Design a system to serve machine learning predictions at low latency.
sysd @data | Design an experiment platform for A/B tests.
sysd @eng @mgr | How would you review a system design proposed by your team?
sysd @eng | Design a search engine for job postings.
"""

CASE = """
prod @pm | How would you improve our product?
prod @pm | Design a product for people who want to learn a new language.
prod @pm | How would you measure the success of a new onboarding flow?
prod @pm | Daily active users fell 10% last week. How do you find out why?
prod @pm | Should a music streaming service launch a podcast feature? How would you decide?
prod @pm | How would you prioritize a backlog of fifty feature requests?
prod @pm | Design an alarm clock for people who are hard of hearing.
prod @pm | How would you price a new subscription tier?
prod @pm | What metrics would you track for a ride-sharing app?
prod @pm | How would you launch our product in a new country?
prod @pm | Pick a product you use daily. What would you change and why?
prod @pm | How would you decide whether to build, buy or partner for a new capability?
prob | Estimate how many job interviews happen in the United States each day.
prob | Estimate the number of coffee cups sold in a large city each day.
prob | How many windows are there in a city of one million people?
prob | Estimate the storage needed for a year of photos on a social network.
prob | Estimate the market size for an online interview coaching product.
prob | A retailer's profits fell while revenue grew. What could explain it?
prob | A client wants to enter a new market. How would you structure the analysis?
prob | How would you decide whether a company should open a new office?
prob | A subscription business has rising churn. How would you diagnose the cause?
prob @data | How would you decide which customers to target with a discount?
prob @data | Our conversion rate rose after a redesign, but revenue did not. Why might that be?
prob @data | How would you forecast next quarter's sales for a new product?
prob @ops | How would you reduce delivery times for an online grocery service?
prob @ops | A warehouse is missing its shipping targets. How would you investigate?
prob @ops | How would you cut support costs by 20% without hurting satisfaction?
cust @sales | How would you sell this pen to me?
cust @sales | Walk me through how you would build a pipeline in a new territory.
cust @sales | How would you prioritize a list of two hundred prospects?
prod @design | Redesign the checkout experience of an online store.
prod @design | How would you design a dashboard for busy executives?
prod @pm | How would you decide when a product is ready to launch?
prod @pm | A competitor launches a free version of our product. What do we do?
prob | Should a bookstore chain close half its stores? How would you decide?
"""

BLOCKS = {
    "behavioral": BEHAVIORAL,
    "situational": SITUATIONAL,
    "culture_fit": CULTURE_FIT,
    "technical": TECHNICAL,
    "system_design": SYSTEM_DESIGN,
    "case": CASE,
}

# Curated groups: a name, what it is for, and which questions belong (by role markers,
# categories and focus codes: a question belongs when it matches every given criterion).
GROUPS = (
    {"slug": "software-engineer", "name": "Software engineer loop",
     "description": "Coding, fundamentals, system design and the behavioural questions "
                    "engineering teams ask.", "roles": ["eng"], "categories": []},
    {"slug": "engineering-manager", "name": "Engineering manager",
     "description": "People leadership, hiring, delivery and team health.",
     "roles": ["mgr"], "categories": []},
    {"slug": "product-manager", "name": "Product manager",
     "description": "Product sense, prioritisation, metrics and stakeholder questions.",
     "roles": ["pm"], "categories": []},
    {"slug": "data-scientist", "name": "Data scientist and analyst",
     "description": "SQL, statistics, experiments and analysis stories.",
     "roles": ["data"], "categories": []},
    {"slug": "product-designer", "name": "Product designer",
     "description": "Process, critique, research and collaboration questions.",
     "roles": ["design"], "categories": []},
    {"slug": "sales", "name": "Sales and account management",
     "description": "Deals, objections, pipeline and customer questions.",
     "roles": ["sales"], "categories": []},
    {"slug": "big-tech-behavioral", "name": "Large tech company: behavioural round",
     "description": "Leadership-principle style questions: ownership, conflict, failure and "
                    "delivering results.", "roles": [],
     "categories": ["behavioral"], "focus": ["lead", "init", "conf", "fail", "time"]},
    {"slug": "startup-fit", "name": "Startup: culture and adaptability",
     "description": "Ambiguity, initiative and motivation questions early-stage companies ask.",
     "roles": [], "categories": ["culture_fit", "situational"], "focus": ["init", "adapt"]},
    {"slug": "consulting-case", "name": "Consulting and case interviews",
     "description": "Estimation and structured business problems.", "roles": [],
     "categories": ["case"], "focus": ["prob"]},
    {"slug": "first-round-screen", "name": "First-round phone screen",
     "description": "The questions nearly every recruiter screen opens with.", "roles": [],
     "categories": ["culture_fit"], "focus": ["comm", "init"]},
)
