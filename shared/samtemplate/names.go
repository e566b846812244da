package samtemplate

import "fmt"

// Names resolves the template's references the way CloudFormation would name its resources
// in the pseudo parameters' region and account (us-east-1, 123456789012): a table, function,
// queue or parameter by its logical ID, with the ARN or URL its GetAtt or Ref gives; a topic
// or secret by the ARN given in topics or secrets, since those exist only once made (the
// local runner's topics, the cold-start test's secrets in moto). Anything else is unresolved.
func Names(t *Template, topics, secrets map[string]string) Resolver {
	region, _ := pseudoParameter("AWS::Region")
	account, _ := pseudoParameter("AWS::AccountId")
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, account, resource)
	}
	return func(id, attr string) (string, bool) {
		switch t.ResourceTypes[id] + "/" + attr {
		case TypeTable + "/":
			return id, true
		case TypeTable + "/Arn":
			return arn("dynamodb", "table/"+id), true
		case TypeTopic + "/", TypeTopic + "/TopicArn":
			a, ok := topics[id]
			return a, ok
		case TypeTopic + "/TopicName":
			return id, true
		case TypeFunction + "/":
			return id, true
		case TypeFunction + "/Arn":
			return arn("lambda", "function:"+id), true
		case "AWS::SQS::Queue/":
			return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, account, id), true
		case "AWS::SQS::Queue/Arn":
			return arn("sqs", id), true
		case "AWS::SQS::Queue/QueueName":
			return id, true
		case "AWS::SSM::Parameter/":
			return id, true
		case "AWS::SecretsManager::Secret/":
			a, ok := secrets[id]
			return a, ok
		case TypeHTTPAPI + "/":
			return "local", true
		}
		return "", false
	}
}
